import ArgumentParser

@main
struct MTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mtp",
        abstract: "OpenMTP: a self-hosted Microsoft Threat Protection (Defender XDR) API with an Entra-compatible token service.",
        discussion: """
            Start a server with demo data:  mtp serve --demo
            Register an application:        mtp apps create --tenant contoso.test --name my-app --permission Incident.Read.All
            """,
        subcommands: [Serve.self, Apps.self]
    )
}

/// Options every command that works on a data folder shares.
struct DataFolderOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The data folder (default: $OPENMTP_DATA_DIR or ~/.openmtp).")
    var dataDirectory: String?
}
