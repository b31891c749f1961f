enum PendingKQL {}
