import ArgumentParser
import Defender
import Foundation
import Hunting
import OpenMTPModels
import Store
import StoreSQLite

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate realistic advanced hunting data for a tenant: devices, users and days of activity ending now.",
        discussion: """
            The same --seed gives the same data (shifted so that it ends at the moment of the run). Each simulated \\
            day is stored as one batch. A running server sees the rows after a restart.
            """
    )

    @OptionGroup var tenant: TenantOptions
    @Option(help: "Devices in the estate.")
    var devices = 20
    @Option(help: "Users in the directory.")
    var users = 10
    @Option(help: "Days of activity, ending now.")
    var days = 7
    @Option(help: "The random seed.")
    var seed: UInt64 = 1
    @Option(help: "Background events per device per hour (service hosts, library loads, logs, settings, task hosts).")
    var activity = 10

    func validate() throws {
        guard (1...100_000).contains(devices), (1...100_000).contains(users), (1...365).contains(days), (0...10_000).contains(activity) else {
            throw ValidationError("Use 1 to 100000 devices and users, 1 to 365 days and 0 to 10000 background events an hour.")
        }
    }

    func run() async throws {
        let (_, tenantRecord) = try await tenant.resolve()
        let catalog = try HuntingCatalog.bundled()
        let hunting = HuntingService(catalog: catalog, store: try tenant.data.openStore())
        var settings = SimulationSettings(devices: devices, users: users, days: days, seed: seed, domain: tenantRecord.domain, end: Timestamp(Date()))
        settings.activity = activity
        var simulator = Simulator(settings, catalog: catalog)
        let store = try tenant.data.openStore()
        let progress = ProgressBar(total: days)
        var total = 0
        var alertRows: [IngestRow] = []
        for day in 0..<days {
            progress.show(done: day, label: "day \(day + 1) of \(days), \(total) rows so far")
            let (batch, alerts) = simulator.batch(ofDay: day, catalog: catalog) { $0.table == "AlertInfo" || $0.table == "AlertEvidence" }
            alertRows += alerts
            total += try await hunting.ingest(batch, tenantId: tenantRecord.id).values.reduce(0, +)
        }
        progress.clear()
        let incidents = AlertCorrelation.incidents(from: alertRows, firstIncidentId: try await store.nextIncidentId())
        for incident in incidents { try await store.saveIncident(incident, tenantId: tenantRecord.id) }
        print("simulated \(days) days of \(devices) devices and \(users) users in \(tenantRecord.domain): \(total) rows (seed \(seed))")
        for incident in incidents { print("  incident \(incident.incidentId)  \(incident.incidentName)  (\(incident.alerts.count) alerts)") }
    }
}
