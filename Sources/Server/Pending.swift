enum PendingServer {}
