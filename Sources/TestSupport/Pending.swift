enum PendingTestSupport {}
