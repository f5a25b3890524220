"""Reading documents back: sections, comments and tracked changes; differences between drafts."""
