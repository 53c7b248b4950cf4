package dev.parley.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of the gateway, over its main classes. One way, top to bottom:
 * <pre>
 * health    -> routing                           readiness (the key set), the upstreams health group
 * routing   -> session, ratelimit, edge, security  forward to the upstreams, the WebSocket tunnel
 * session   -> edge                              the browser's cookie session
 * ratelimit -> edge, security                    per-client and per-user budgets
 * edge      -> security                          what every request gets: ids, CORS, headers, access log
 * security  -> (none)                            the access-token check and who the caller is
 * </pre>
 * The root package (GatewayConfig, GatewayProblems, WebSocketUpgrade) is the shared base: every
 * package may use it and it uses none of them.
 */
@AnalyzeClasses(packages = "dev.parley.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featurePackagesAreFreeOfCycles = slices().matching("dev.parley.gateway.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule featurePackagesDependOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("health").definedBy("dev.parley.gateway.health..")
            .layer("routing").definedBy("dev.parley.gateway.routing..")
            .layer("session").definedBy("dev.parley.gateway.session..")
            .layer("ratelimit").definedBy("dev.parley.gateway.ratelimit..")
            .layer("edge").definedBy("dev.parley.gateway.edge..")
            .layer("security").definedBy("dev.parley.gateway.security..")
            .whereLayer("health").mayNotBeAccessedByAnyLayer()
            .whereLayer("routing").mayOnlyBeAccessedByLayers("health")
            .whereLayer("session").mayOnlyBeAccessedByLayers("routing")
            .whereLayer("ratelimit").mayOnlyBeAccessedByLayers("routing")
            .whereLayer("edge").mayOnlyBeAccessedByLayers("routing", "session", "ratelimit")
            .whereLayer("security").mayOnlyBeAccessedByLayers("routing", "ratelimit", "edge");

    @ArchTest
    static final ArchRule theRootUsesNoFeaturePackage = noClasses().that().resideInAPackage("dev.parley.gateway")
            .should().dependOnClassesThat().resideInAPackage("dev.parley.gateway.*..");

    /** The gateway has no REST resources and no store: it never reaches a database, not even by accident. */
    @ArchTest
    static final ArchRule nothingTouchesAStore = noClasses().should().dependOnClassesThat().resideInAPackage("com.mongodb..");
}
