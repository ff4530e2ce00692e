package dev.speglar.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.speglar.p2p.P2pProtocolException;
import org.junit.jupiter.api.Test;

/**
 * The module rules of the whole repository, in one place (e2e is the module that sees every other one):
 * common knows nothing of ours; the OCI model knows no Netty/gRPC; p2p knows no agent; the installer knows no p2p
 * and no agent internals; inside p2p, codecs know no sockets and layers depend downwards only.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.speglar");

    /** Packages of the agent modules (oci, containerd, registry, app). */
    private static final String[] AGENT = {
        "dev.speglar.oci..",
        "dev.speglar.store..",
        "dev.speglar.routing..",
        "dev.speglar.containerd..",
        "dev.speglar.registry..",
        "dev.speglar.agent.."
    };

    @Test
    void everyModuleIsImported() {
        for (String pkg : new String[] {
            "dev.speglar.common",
            "dev.speglar.oci",
            "dev.speglar.containerd",
            "dev.speglar.registry",
            "dev.speglar.agent",
            "dev.speglar.p2p",
            "dev.speglar.installer"
        }) {
            org.assertj.core.api.Assertions.assertThat(CLASSES.containPackage(pkg))
                    .as(pkg)
                    .isTrue();
        }
    }

    @Test
    void commonDependsOnNothingOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("dev.speglar.common..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        concat(AGENT, "dev.speglar.p2p..", "dev.speglar.installer..", "dev.speglar.testkit.."))
                .check(CLASSES);
    }

    @Test
    void ociModelKnowsNoNettyGrpcOrHttp() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.speglar.oci..", "dev.speglar.store..", "dev.speglar.routing..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.netty..",
                        "io.grpc..",
                        "com.google.protobuf..",
                        "java.net.http..",
                        "dev.speglar.registry..",
                        "dev.speglar.containerd..",
                        "dev.speglar.agent..")
                .check(CLASSES);
    }

    @Test
    void p2pKnowsNoAgent() {
        noClasses()
                .that()
                .resideInAPackage("dev.speglar.p2p..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(concat(AGENT, "dev.speglar.installer.."))
                .check(CLASSES);
    }

    @Test
    void installerKnowsNoP2pAndNoAgentInternals() {
        noClasses()
                .that()
                .resideInAPackage("dev.speglar.installer..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(concat(AGENT, "dev.speglar.p2p.."))
                .check(CLASSES);
    }

    @Test
    void productionCodeKnowsNoTestkit() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.speglar.testkit..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.speglar.testkit..")
                .check(CLASSES);
    }

    @Test
    void p2pCodecsDoNotKnowSockets() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.speglar.p2p.multiformats..",
                        "dev.speglar.p2p.proto..",
                        "dev.speglar.p2p.noise..",
                        "dev.speglar.p2p.yamux..",
                        "dev.speglar.p2p.multistream..",
                        "dev.speglar.p2p.kad..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.netty.bootstrap..",
                        "io.netty.channel.socket..",
                        "io.netty.channel.epoll..",
                        "java.net.http..")
                .check(CLASSES);
    }

    @Test
    void p2pLayersOnlyDependDownwards() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("api")
                .definedBy("dev.speglar.p2p")
                .layer("bootstrap")
                .definedBy("dev.speglar.p2p.bootstrap..")
                .layer("protocols")
                .definedBy("dev.speglar.p2p.kad..", "dev.speglar.p2p.identify..", "dev.speglar.p2p.ping..")
                .layer("host")
                .definedBy("dev.speglar.p2p.host..")
                .layer("wire")
                .definedBy("dev.speglar.p2p.noise..", "dev.speglar.p2p.yamux..", "dev.speglar.p2p.multistream..")
                .layer("values")
                .definedBy("dev.speglar.p2p.multiformats..", "dev.speglar.p2p.proto..", "dev.speglar.p2p.crypto..")
                .whereLayer("api")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("bootstrap")
                .mayOnlyBeAccessedByLayers("api")
                .whereLayer("protocols")
                .mayOnlyBeAccessedByLayers("api", "bootstrap")
                .whereLayer("host")
                .mayOnlyBeAccessedByLayers("api", "bootstrap", "protocols")
                .whereLayer("wire")
                .mayOnlyBeAccessedByLayers("api", "bootstrap", "protocols", "host")
                .ignoreDependency(
                        DescribedPredicate.alwaysTrue(), JavaClass.Predicates.equivalentTo(P2pProtocolException.class))
                .check(CLASSES);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
