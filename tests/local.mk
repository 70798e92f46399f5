## tests: cmocka programs are added by each folder's local.mk; shell and
## tmux tests and the shared helpers live here.
TESTS += $(check_PROGRAMS)
EXTRA_DIST += tests/valgrind-wrap tests/valgrind.supp tests/lib.sh \
	tests/test-programs.sh
TESTS += tests/test-programs.sh
