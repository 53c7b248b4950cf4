package dev.parley.chat;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Set;

import jakarta.ws.rs.Path;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import io.quarkus.mongodb.panache.PanacheMongoEntityBase;

/**
 * chat-service's features form a one-way stack (docs/architecture.md draws it). From the bottom:
 * <pre>
 * crypto        the cipher and key ring: bytes, keys and associated data; knows no message
 * conversation  chats and membership (Chat, ChatStore, ChatDirectory, ChatService)
 * message       sending, history, edits, read receipts, encryption of content; uses conversation and crypto
 * presence      who is online, status announcements and reports; uses conversation
 * inbox         the chat list, a read model over conversation and message
 * realtime      sockets, frames, fan-out, replicas; implements message's and presence's ports
 * </pre>
 * The root package holds configuration and store timing, which every feature may use and which use none.
 */
@AnalyzeClasses(packages = "dev.parley.chat", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] STORAGE = { "com.mongodb..", "org.bson..", "io.quarkus.mongodb.." };
    private static final Set<String> PANACHE_DATA_ACCESS = Set.of("mongoCollection", "mongoDatabase", "findById",
            "findByIdOptional", "find", "findAll", "list", "listAll", "stream", "streamAll", "count", "delete",
            "deleteAll", "deleteById", "update", "persist", "persistOrUpdate");

    @ArchTest
    static final ArchRule featuresFormNoCycle = slices().matching("dev.parley.chat.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule featuresDependOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("crypto").definedBy("dev.parley.chat.crypto..")
            .layer("conversation").definedBy("dev.parley.chat.conversation..")
            .layer("message").definedBy("dev.parley.chat.message..")
            .layer("presence").definedBy("dev.parley.chat.presence..")
            .layer("inbox").definedBy("dev.parley.chat.inbox..")
            .layer("realtime").definedBy("dev.parley.chat.realtime..")
            .whereLayer("crypto").mayOnlyBeAccessedByLayers("message")
            .whereLayer("conversation").mayOnlyBeAccessedByLayers("message", "presence", "inbox", "realtime")
            .whereLayer("message").mayOnlyBeAccessedByLayers("inbox", "realtime")
            .whereLayer("presence").mayOnlyBeAccessedByLayers("realtime")
            .whereLayer("inbox").mayNotBeAccessedByAnyLayer()
            .whereLayer("realtime").mayNotBeAccessedByAnyLayer();

    @ArchTest
    static final ArchRule cryptoKnowsNoOtherFeature = noClasses().that().resideInAPackage("dev.parley.chat.crypto..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.parley.chat.conversation..", "dev.parley.chat.message..",
                    "dev.parley.chat.presence..", "dev.parley.chat.inbox..", "dev.parley.chat.realtime..");

    @ArchTest
    static final ArchRule theRootKnowsNoFeature = noClasses().that().resideInAPackage("dev.parley.chat")
            .should().dependOnClassesThat().resideInAnyPackage("dev.parley.chat.crypto..", "dev.parley.chat.conversation..",
                    "dev.parley.chat.message..", "dev.parley.chat.presence..", "dev.parley.chat.inbox..",
                    "dev.parley.chat.realtime..");

    @ArchTest
    static final ArchRule resourcesNeverTouchTheStore = noClasses().that().areAnnotatedWith(Path.class).and().areNotInterfaces()
            .should().dependOnClassesThat().resideInAnyPackage(STORAGE)
            .orShould().dependOnClassesThat().areAssignableTo(PanacheMongoEntityBase.class);

    @ArchTest
    static final ArchRule realtimeNeverReachesStorage = noClasses().that().resideInAPackage("dev.parley.chat.realtime..")
            .should().dependOnClassesThat().resideInAnyPackage(STORAGE)
            .orShould().dependOnClassesThat().areAssignableTo(PanacheMongoEntityBase.class)
            .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Store");

    /** Each collection has one data-access home: {@code ChatStore} for chats, {@code MessageStore} for messages. */
    @ArchTest
    static final ArchRule onlyStoresQueryCollections = noClasses().that().haveSimpleNameNotEndingWith("Store")
            .should().callMethodWhere(describe("a Panache query or write", (JavaCall<?> call) ->
                    call.getTargetOwner().isAssignableTo(PanacheMongoEntityBase.class)
                            && PANACHE_DATA_ACCESS.contains(call.getName())))
            .orShould().dependOnClassesThat().resideInAPackage("com.mongodb.client..");
}
