## src/tui: the terminal inbox (ncursesw on the libuv loop).
src_libsmsinbox_la_SOURCES += \
	src/tui/curses.h src/tui/private.h \
	src/tui/tui.c src/tui/tui.h \
	src/tui/draw.c \
	src/tui/form.c src/tui/form.h \
	src/tui/input.c src/tui/input.h \
	src/tui/keymap.c src/tui/keymap.h \
	src/tui/list.c src/tui/list.h \
	src/tui/statusbar.c src/tui/statusbar.h \
	src/tui/watch.c \
	src/tui/view-compose.c \
	src/tui/view-contacts.c \
	src/tui/view-conversation.c \
	src/tui/view-help.c \
	src/tui/view-rules.c \
	src/tui/view-search.c \
	src/tui/view-stats.c \
	src/tui/view-threads.c

check_PROGRAMS += tests/test-tui-text
tests_test_tui_text_SOURCES = tests/test-tui-text.c
tests_test_tui_text_LDADD = $(TEST_LIBS)
