package dev.fmnist.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's packages as docs/ARCHITECTURE.md draws them: the serving core ({@code server.inference}) knows no
 * protocol, and no two sub-packages of the server need each other (the root package composes them).
 */
class ServerPackagesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.fmnist.server");
    }

    @Test
    void theServingCoreKnowsNoProtocol() {
        noClasses().that().resideInAPackage("dev.fmnist.server.inference..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fmnist.server.http..",
                        "dev.fmnist.server.grpc..", "io.vertx..", "io.grpc..", "com.google.protobuf..")
                .check(classes);
    }

    @Test
    void theServersSubPackagesHaveNoCycles() {
        slices().matching("dev.fmnist.server.(*)..").should().beFreeOfCycles().check(classes);
    }
}
