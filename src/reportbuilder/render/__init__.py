"""Stage 3, rendering: HTML to PDF with WeasyPrint in a long-lived child process, bounded in
time and memory, reading files only through the project's file policy. Importing this
package does not import WeasyPrint."""
