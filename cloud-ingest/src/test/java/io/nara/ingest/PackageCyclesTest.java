package io.nara.ingest;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * No import cycle between the ingest's packages (each package with its subpackages is one slice): a package that
 * needs another's help gets it through an interface the lower one defines, never by importing back.
 */
@AnalyzeClasses(
        packages = "io.nara.ingest",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class PackageCyclesTest {

    @ArchTest
    static final ArchRule noCycleBetweenPackages =
            slices().matching("io.nara.ingest.(*)..").should().beFreeOfCycles();
}
