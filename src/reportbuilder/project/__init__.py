"""Stage 1, the project: reading a report folder (report.yml, content, data, contacts) and
validating it into one frozen, language-neutral `Project`. Nothing here renders."""
