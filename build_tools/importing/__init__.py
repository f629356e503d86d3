"""Import: raw speech files → MyST files in source/speeches (read, clean, structure, render)."""
