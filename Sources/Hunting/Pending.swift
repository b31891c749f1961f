enum PendingHunting {}
