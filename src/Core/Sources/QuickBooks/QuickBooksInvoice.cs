using System.Text.Json.Serialization;

namespace ChaseBot.Core.Sources.QuickBooks;

/// <summary>The fields of a QuickBooks Online invoice that ChaseBot reads (Accounting API, minor version 75, JSON).</summary>
public sealed record QuickBooksInvoice(
    string Id,
    string? DocNumber,
    string? TxnDate,
    string? DueDate,
    decimal TotalAmt,
    decimal Balance,
    QuickBooksRef? CurrencyRef,
    QuickBooksRef? CustomerRef,
    QuickBooksEmail? BillEmail,
    QuickBooksEmail? BillEmailCc,
    string? InvoiceLink,
    string? PrivateNote,
    QuickBooksMetaData? MetaData,
    [property: JsonPropertyName("status")] string? Status);

public sealed record QuickBooksRef(string? Value, string? Name);

public sealed record QuickBooksEmail(string? Address);

public sealed record QuickBooksMetaData(string? CreateTime, string? LastUpdatedTime);

/// <summary>A payment: which invoices it paid (Line[].LinkedTxn[] with TxnType "Invoice").</summary>
public sealed record QuickBooksPayment(string Id, IReadOnlyList<QuickBooksPaymentLine>? Line);

public sealed record QuickBooksPaymentLine(IReadOnlyList<QuickBooksLinkedTxn>? LinkedTxn);

public sealed record QuickBooksLinkedTxn(string? TxnId, string? TxnType);

/// <summary>GET …/query: <c>{"QueryResponse": {"Invoice": […], "startPosition": 1, "maxResults": 3}, "time": "…"}</c>.</summary>
public sealed record QuickBooksQuery(QuickBooksQueryResponse? QueryResponse, string? Time);

public sealed record QuickBooksQueryResponse(IReadOnlyList<QuickBooksInvoice>? Invoice, IReadOnlyList<QuickBooksPayment>? Payment, int StartPosition, int MaxResults);

/// <summary>GET …/cdc: one QueryResponse per entity asked for, deleted objects as <c>{"Id": "…", "status": "Deleted"}</c>.</summary>
public sealed record QuickBooksChanges(IReadOnlyList<QuickBooksChangeSet>? CDCResponse, string? Time);

public sealed record QuickBooksChangeSet(IReadOnlyList<QuickBooksQueryResponse>? QueryResponse);

public sealed record QuickBooksCompany(QuickBooksCompanyInfo? CompanyInfo);

public sealed record QuickBooksCompanyInfo(string? CompanyName);

/// <summary>The classic webhook body: <c>{"eventNotifications": [{"realmId", "dataChangeEvent": {"entities": [{"name", "id", "operation"}]}}]}</c>.</summary>
public sealed record QuickBooksNotifications(IReadOnlyList<QuickBooksNotification>? EventNotifications);

public sealed record QuickBooksNotification(string? RealmId, QuickBooksDataChange? DataChangeEvent);

public sealed record QuickBooksDataChange(IReadOnlyList<QuickBooksEntityChange>? Entities);

public sealed record QuickBooksEntityChange(string? Name, string? Id, string? Operation);

/// <summary>The CloudEvents webhook body: an array of events, <c>type</c> "qbo.invoice.updated.v1", the entity in <c>intuitentityid</c>.</summary>
public sealed record QuickBooksCloudEvent(
    string? Type,
    [property: JsonPropertyName("intuitentityid")] string? EntityId,
    [property: JsonPropertyName("intuitaccountid")] string? AccountId);

[JsonSerializable(typeof(QuickBooksQuery))]
[JsonSerializable(typeof(QuickBooksChanges))]
[JsonSerializable(typeof(QuickBooksCompany))]
[JsonSerializable(typeof(QuickBooksNotifications))]
[JsonSerializable(typeof(List<QuickBooksCloudEvent>))]
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
public sealed partial class QuickBooksJson : JsonSerializerContext;
