import Hunting
import OpenMTPModels
import Testing

@testable import Defender

@Suite("Alert correlation")
struct AlertCorrelationTests {
    @Test("the simulated attack becomes two incidents: the endpoint chain across two devices, and the mailbox compromise")
    func simulatedAttack() throws {
        let incidents = AlertCorrelation.incidents(from: try SimulatorTests.rows(), firstIncidentId: 100)
        #expect(incidents.map(\.incidentId) == [100, 101])
        let endpoint = try #require(incidents.first { $0.alerts.count == 6 })
        #expect(endpoint.incidentName.hasPrefix("Multi-stage incident involving "))
        #expect(endpoint.incidentName.hasSuffix(" on multiple endpoints"))
        #expect(endpoint.severity == .high)
        #expect(endpoint.determination == .multiStagedAttack)
        #expect(Set(endpoint.alerts.flatMap { $0.devices.map(\.mdatpDeviceId) }).count == 2)
        #expect(endpoint.alerts.allSatisfy { $0.incidentId == endpoint.incidentId })
        #expect(endpoint.alerts.contains { $0.serviceSource == "MicrosoftDefenderForOffice" && $0.mitreTechniques == ["T1566.001"] })
        let mailbox = try #require(incidents.first { $0.alerts.count == 2 })
        #expect(mailbox.incidentName == "Multi-stage incident involving Initial access & Exfiltration involving one user")
        #expect(Set(mailbox.alerts.map(\.serviceSource)) == ["AzureAdIdentityProtection", "MicrosoftCloudAppSecurity"])
        #expect(mailbox.alerts.flatMap(\.entities).contains { $0.entityType == "MailBox" && $0.mailboxAddress != nil })
    }

    @Test("category names read as Defender writes them")
    func words() {
        #expect(AlertCorrelation.words("CredentialAccess") == "Credential access")
        #expect(AlertCorrelation.words("Execution") == "Execution")
    }
}
