"""Stage 2, composing: one edition of a `Project` as one HTML string (chapters through the
content sandbox and Markdown, helpers, charts, the theme's templates). Pure: no file or
environment reads."""
