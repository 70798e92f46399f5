## tests: cmocka programs are added by each folder's local.mk; shell and
## tmux tests and the shared helpers live here.
TESTS += $(check_PROGRAMS)
EXTRA_DIST += tests/valgrind-wrap tests/valgrind.supp tests/lib.sh \
	tests/test-programs.sh
TESTS += tests/test-programs.sh
TESTS += tests/tui/test-tui-basic.sh tests/tui/test-tui-signals.sh \
	tests/tui/test-keys-doc.sh tests/tui/test-tui-engine.sh \
	tests/tui/test-tui-demo.sh tests/tui/test-tui-daemon.sh \
	tests/tui/test-tui-color.sh tests/tui/test-tui-scroll.sh \
	tests/tui/test-tui-mouse.sh
EXTRA_DIST += tests/tui/lib-tui.sh tests/tui/test-tui-basic.sh \
	tests/tui/test-tui-signals.sh tests/tui/test-keys-doc.sh \
	tests/tui/test-tui-engine.sh tests/tui/inject.py \
	tests/tui/test-tui-demo.sh tests/tui/test-tui-daemon.sh \
	tests/tui/test-tui-color.sh tests/tui/test-tui-scroll.sh \
	tests/tui/test-tui-mouse.sh
