package io.nara.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaffPagesTest {

    @Test
    void everyPageButTheRelativesIsTheStaffsAndAssetsAreNoPages() {
        assertThat(StaffPages.staffOnly("/")).isTrue();
        assertThat(StaffPages.staffOnly("/index.html")).isTrue();
        assertThat(StaffPages.staffOnly("/worklist.html")).isTrue();
        assertThat(StaffPages.staffOnly("/a-page-added-later.html"))
                .as("closed by default")
                .isTrue();
        assertThat(StaffPages.staffOnly("/relative.html")).isFalse();
        assertThat(StaffPages.staffOnly("/nara.js")).isFalse();
        assertThat(StaffPages.staffOnly("/nara.css")).isFalse();
    }
}
