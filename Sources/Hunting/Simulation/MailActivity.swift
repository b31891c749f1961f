import KustoTime
import OpenMTPModels

/// A user's day of mail: the morning sign-in to Exchange Online and a handful of inbound messages, each with the
/// `EmailUrlInfo` and `EmailAttachmentInfo` rows its `UrlCount` and `AttachmentCount` announce.
extension Simulator {
    private static let senders = [
        "news@contoso-partners.test", "billing@fabrikam.test", "noreply@service.test", "hr@northwind.test", "team@tailspin.test",
    ]
    private static let subjects = ["Weekly update", "Invoice attached", "Meeting notes", "Your subscription", "Quarterly review", "Lunch on Friday?"]
    private static let urlPaths = ["newsletter/2026/11", "account/billing", "events/register", "docs/shared", "unsubscribe"]
    private static let attachments = [("invoice.pdf", "pdf"), ("minutes.docx", "docx"), ("report.xlsx", "xlsx"), ("photo.jpg", "jpg")]

    mutating func mail(for user: SimulatedUser, into day: inout DayBuilder) {
        signIn(user, at: day.at(hour: random.int(7...9), random: &random), into: &day)
        for _ in 0..<random.int(2...6) {
            let sender = random.pick(Self.senders)
            let domain = String(sender.split(separator: "@")[1])
            let messageId = random.guid()
            let time = day.at(hour: random.int(7...18), random: &random)
            let urls = (0..<random.int(0...3)).map { _ in "https://www.\(domain)/\(random.pick(Self.urlPaths))" }
            let attachment = random.chance(0.3) ? random.pick(Self.attachments) : nil
            day.add(
                "EmailEvents",
                at: time,
                [
                    ("NetworkMessageId", .string(messageId)), ("InternetMessageId", .string("<\(random.hex(16))@\(domain)>")),
                    ("SenderFromAddress", .string(sender)), ("SenderMailFromAddress", .string(sender)), ("SenderFromDomain", .string(domain)),
                    ("SenderMailFromDomain", .string(domain)), ("SenderIPv4", .string("198.51.100.\(random.int(2...250))")),
                    ("RecipientEmailAddress", .string(user.upn)), ("RecipientObjectId", .string(user.objectId)),
                    ("Subject", .string(random.pick(Self.subjects))), ("EmailDirection", .string("Inbound")),
                    ("DeliveryAction", .string("Delivered")), ("DeliveryLocation", .string("Inbox/folder")),
                    ("AttachmentCount", .int(attachment == nil ? 0 : 1)), ("UrlCount", .int(Int64(urls.count))),
                    ("EmailLanguage", .string("en")), ("ReportId", .string(random.guid())),
                ]
            )
            for url in urls {
                day.add(
                    "EmailUrlInfo",
                    at: time,
                    [
                        ("NetworkMessageId", .string(messageId)), ("Url", .string(url)), ("UrlDomain", .string("www.\(domain)")),
                        ("UrlLocation", .string("Body")), ("ReportId", .string(random.guid())),
                    ]
                )
            }
            if let (name, type) = attachment {
                var file = SeededRandom(deriving: "\(messageId)\(name)")
                day.add(
                    "EmailAttachmentInfo",
                    at: time,
                    [
                        ("NetworkMessageId", .string(messageId)), ("SenderFromAddress", .string(sender)),
                        ("RecipientEmailAddress", .string(user.upn)), ("RecipientObjectId", .string(user.objectId)), ("FileName", .string(name)),
                        ("FileType", .string(type)), ("SHA256", .string(file.hex(64))), ("FileSize", .int(Int64(file.int(20_000...4_000_000)))),
                        ("ReportId", .string(random.guid())),
                    ]
                )
            }
        }
    }
}
