package dev.speglar.p2p;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Codecs and state machines stay below the host; nothing here knows the agent or OCI. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.speglar.p2p");

    @Test
    void layersOnlyDependDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy("dev.speglar.p2p")
                .layer("bootstrap").definedBy("dev.speglar.p2p.bootstrap..")
                .layer("protocols").definedBy("dev.speglar.p2p.kad..", "dev.speglar.p2p.identify..",
                        "dev.speglar.p2p.ping..")
                .layer("host").definedBy("dev.speglar.p2p.host..")
                .layer("wire").definedBy("dev.speglar.p2p.noise..", "dev.speglar.p2p.yamux..",
                        "dev.speglar.p2p.multistream..")
                .layer("values").definedBy("dev.speglar.p2p.multiformats..", "dev.speglar.p2p.proto..",
                        "dev.speglar.p2p.crypto..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("bootstrap").mayOnlyBeAccessedByLayers("api")
                .whereLayer("protocols").mayOnlyBeAccessedByLayers("api", "bootstrap")
                .whereLayer("host").mayOnlyBeAccessedByLayers("api", "bootstrap", "protocols")
                .whereLayer("wire").mayOnlyBeAccessedByLayers("api", "bootstrap", "protocols", "host")
                .ignoreDependency(com.tngtech.archunit.base.DescribedPredicate.alwaysTrue(),
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo(P2pProtocolException.class))
                .check(CLASSES);
    }

    @Test
    void codecsDoNotKnowSockets() {
        noClasses().that().resideInAnyPackage("dev.speglar.p2p.multiformats..", "dev.speglar.p2p.proto..",
                        "dev.speglar.p2p.noise..", "dev.speglar.p2p.yamux..", "dev.speglar.p2p.multistream..",
                        "dev.speglar.p2p.kad..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty.bootstrap..", "io.netty.channel.socket..",
                        "io.netty.channel.epoll..", "java.net.http..")
                .check(CLASSES);
    }

    @Test
    void independentOfTheAgent() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.speglar.oci..", "dev.speglar.store..",
                        "dev.speglar.routing..", "dev.speglar.registry..")
                .check(CLASSES);
    }
}
