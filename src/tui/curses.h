/*
 * The one place that includes the curses header: wide-character functions
 * on (get_wch, add_wch, cchar_t), ncursesw's header wherever it lives.
 * Everything in tui/ includes this instead of <curses.h>.
 */
#ifndef SMS_TUI_CURSES_H
#define SMS_TUI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#if defined(__has_include)
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif
#else
#include <curses.h>
#endif

#endif
