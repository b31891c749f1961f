import ArgumentParser

struct MTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtp",
        abstract: "OpenMTP: a self-hosted Microsoft Threat Protection (Defender XDR) API with an Entra-compatible token service.",
        discussion: """
            Start a server with demo data:  mtp serve --demo
            Register an application:        mtp apps create --tenant contoso.test --name my-app --permission Incident.Read.All
            Add a user:                     mtp users create --tenant contoso.test --name alex --role "Security Operator"
            """,
        subcommands: [
            Serve.self, Tenants.self, Apps.self, Users.self, Roles.self, Consent.self, Import.self, Export.self, Simulate.self, KQLCommand.self,
            Hunt.self,
        ]
    )
}
