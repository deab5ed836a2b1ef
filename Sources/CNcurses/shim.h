// ncursesw with the wide-character API (cchar_t, add_wch, get_wch) enabled.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>
