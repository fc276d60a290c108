"""Cases, their messages and attachments, queues, and the event log."""
