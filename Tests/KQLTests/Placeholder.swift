import Testing
@Test func placeholderKQL() {}
