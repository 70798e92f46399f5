/*
 * Forms: a view of labelled fields (text, or a choice cycled with Left,
 * Right and Space) for editing a contact or a rule.  Tab and the arrows
 * move between fields, Enter saves, Esc cancels.
 */
#ifndef SMS_TUI_FORM_H
#define SMS_TUI_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct tui;
struct view;
struct form;

/* Save the form: return true to close it, false to keep it open (after
 * reporting what is wrong with tui_error()). */
typedef bool (*form_save_cb)(struct tui *t, struct form *f, void *data);
/* Free the callback's data when the form closes; may be NULL. */
typedef void (*form_free_cb)(void *data);

/* A new form view titled title (copied). */
struct form *form_new(struct tui *t, const char *title, form_save_cb save,
    form_free_cb free_data, void *data);

/* Add a text field with its value (may be NULL) and a hint under it (may
 * be NULL); labels and hints are borrowed (static strings).  Returns the
 * field's index. */
size_t form_add_text(struct form *f, const char *label, const char *value,
    const char *hint);

/* Add a choice among choices (NULL-terminated, borrowed), value the one
 * selected first (its index). */
size_t form_add_choice(struct form *f, const char *label,
    const char *const *choices, size_t value, const char *hint);

/* A field's text (caller frees) or choice index. */
char *form_text(const struct form *f, size_t field);
size_t form_choice(const struct form *f, size_t field);

/* Show text (copied; NULL clears) under the fields: what a "try it"
 * form found.  Lines break at '\n'. */
void form_set_note(struct form *f, const char *text);

/* The view to push. */
struct view *form_view(struct form *f);

#endif
