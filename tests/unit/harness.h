/*
 * Shared main() for the CUnit test programs. Each program defines
 * `static CU_TestInfo tests[]` style tables and calls attest_test_main()
 * with its suites; the harness runs them with the basic runner and prints a
 * machine-readable line "# cases: N passed, M failed" that .ci/run sums over
 * every test log. Exit status: 0 all passed, 1 any failure, 99 harness error.
 */
#ifndef ATTEST_TEST_HARNESS_H
#define ATTEST_TEST_HARNESS_H

#include <CUnit/Basic.h>
#include <stdio.h>

/* Directory holding the source tree (for fixtures), from the Makefile. */
#ifndef ATTEST_SRCDIR
#define ATTEST_SRCDIR "."
#endif

static inline int
attest_test_main(CU_SuiteInfo *suites)
{
	unsigned run, failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "cannot register suites: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 99;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	printf("# cases: %u passed, %u failed\n", run - failed, failed);
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}

#endif
