enum PendingDefender {}
