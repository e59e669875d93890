"""Stage 4, delivering: the only code that writes outputs (files now; mail later)."""
