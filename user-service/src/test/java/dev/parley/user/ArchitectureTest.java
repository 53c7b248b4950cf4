package dev.parley.user;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import jakarta.ws.rs.Path;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of user-service, over its main classes. One way, top to bottom:
 * <pre>
 * profile  -> presence   profiles, status and lookup; fires StatusChanged
 * presence -> (none)     tells chat-service about status changes (observes StatusChanged)
 * </pre>
 * The root package (StoreIndexes) creates the indexes at start-up and is outside the order.
 */
@AnalyzeClasses(packages = "dev.parley.user", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles = slices().matching("dev.parley.user.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule featurePackagesDependOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("profile").definedBy("dev.parley.user.profile..")
            .layer("presence").definedBy("dev.parley.user.presence..")
            .whereLayer("profile").mayNotBeAccessedByAnyLayer()
            .whereLayer("presence").mayOnlyBeAccessedByLayers("profile");

    @ArchTest
    static final ArchRule resourcesNeverTouchACollection = noClasses()
            .that().areAnnotatedWith(Path.class).and().areNotInterfaces()
            .should().dependOnClassesThat().resideInAPackage("com.mongodb..")
            .orShould().callMethodWhere(target(name("mongoCollection")))
            .because("a resource maps HTTP to a service; the store is the service's business");
}
