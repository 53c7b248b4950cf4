package dev.parley.auth;

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
 * The package rules of auth-service, over its main classes. One way, top to bottom:
 * <pre>
 * account      -> profile, token    sign-up, sign-in and sessions; the users' credentials
 * profile      -> servicetoken      the new user's profile in user-service
 * servicetoken -> token             service credentials: issued to other services, and auth-service's own
 * token        -> (none)            access tokens, refresh tokens, signing keys and the JWKS
 * </pre>
 * The root package (AuthConfig, StoreIndexes) is the application shell: its configuration is read
 * by every package and its start-up indexes touch every collection, so it is outside the order.
 */
@AnalyzeClasses(packages = "dev.parley.auth", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles = slices().matching("dev.parley.auth.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule featurePackagesDependOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("account").definedBy("dev.parley.auth.account..")
            .layer("profile").definedBy("dev.parley.auth.profile..")
            .layer("servicetoken").definedBy("dev.parley.auth.servicetoken..")
            .layer("token").definedBy("dev.parley.auth.token..")
            .whereLayer("account").mayNotBeAccessedByAnyLayer()
            .whereLayer("profile").mayOnlyBeAccessedByLayers("account")
            .whereLayer("servicetoken").mayOnlyBeAccessedByLayers("profile")
            .whereLayer("token").mayOnlyBeAccessedByLayers("account", "servicetoken");

    @ArchTest
    static final ArchRule resourcesNeverTouchACollection = noClasses()
            .that().areAnnotatedWith(Path.class).and().areNotInterfaces()
            .should().dependOnClassesThat().resideInAPackage("com.mongodb..")
            .orShould().callMethodWhere(target(name("mongoCollection")))
            .because("a resource maps HTTP to a service; the store is the service's business");
}
