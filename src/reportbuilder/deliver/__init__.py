"""Stage 4, delivering: the only code that writes outputs or sends them.

`files.write_atomic` writes a file; `message.compose_message` makes a MIME message (headers
checked); `smtp.send` sends messages over SMTP (TLS, retries).
"""
