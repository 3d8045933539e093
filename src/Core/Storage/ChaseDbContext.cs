using ChaseBot.Core.Chasing;
using ChaseBot.Core.Delivery;
using ChaseBot.Core.Digests;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Morale;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ChaseBot.Core.Storage;

/// <summary>
/// The ledger. One model for SQLite and PostgreSQL, so nothing in here may be provider-specific.
/// Schema changes are hand-written migrations in Storage/Migrations (see the note there).
/// </summary>
public sealed class ChaseDbContext(DbContextOptions<ChaseDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<Dispute> Disputes => Set<Dispute>();
    public DbSet<PaymentPromise> PaymentPromises => Set<PaymentPromise>();
    public DbSet<ImportRun> ImportRuns => Set<ImportRun>();
    public DbSet<RejectedRow> RejectedRows => Set<RejectedRow>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ChaseStepRecord> ChaseSteps => Set<ChaseStepRecord>();
    public DbSet<Proposal> Proposals => Set<Proposal>();
    public DbSet<CollectionCase> Cases => Set<CollectionCase>();
    public DbSet<CaseStepRecord> CaseSteps => Set<CaseStepRecord>();
    public DbSet<ProposalInvoice> ProposalInvoices => Set<ProposalInvoice>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<MoraleCheck> MoraleChecks => Set<MoraleCheck>();
    public DbSet<ChatUser> ChatUsers => Set<ChatUser>();
    public DbSet<DigestRecord> Digests => Set<DigestRecord>();
    public DbSet<DigestChart> DigestCharts => Set<DigestChart>();
    public DbSet<Teams.ConversationReference> ConversationReferences => Set<Teams.ConversationReference>();
    public DbSet<Slack.SlackReceipt> SlackReceipts => Set<Slack.SlackReceipt>();
    public DbSet<ClientContact> ClientContacts => Set<ClientContact>();
    public DbSet<Sources.Connections.SourceConnection> SourceConnections => Set<Sources.Connections.SourceConnection>();
    public DbSet<Sources.Connections.ConnectRequest> ConnectRequests => Set<Sources.Connections.ConnectRequest>();

    /// <summary>The Data Protection key ring, shared by every Bot and Worker replica (it encrypts the books' tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // Money: up to 15 integer digits and the 4 decimals some exports carry.
        conventions.Properties<decimal>().HavePrecision(19, 4);
        // Instants are stored in UTC and come back marked as UTC (SQLite keeps no kind; Npgsql insists on it).
        conventions.Properties<DateTime>().HaveConversion<UtcConverter>();
        conventions.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Client>(client =>
        {
            client.Property(c => c.Name).HasMaxLength(200);
            client.Property(c => c.NormalizedName).HasMaxLength(200);
            client.HasIndex(c => c.NormalizedName).IsUnique();
            client.Property(c => c.BillingEmail).HasMaxLength(320);
            client.Property(c => c.OwnerUserId).HasMaxLength(100);
            client.Property(c => c.Channel).HasMaxLength(100);
            client.Property(c => c.CcAddresses).HasMaxLength(1000);
            client.Property(c => c.TimeZone).HasMaxLength(100);
            client.Property(c => c.Jurisdiction).HasMaxLength(8);
            client.ComplexProperty(c => c.Clauses, clauses =>
            {
                clauses.Property(k => k.PermitsServiceChanges).HasColumnName("PermitsServiceChanges");
                clauses.Property(k => k.OwnedUntilPaid).HasColumnName("OwnedUntilPaid");
                clauses.Property(k => k.LateFeeTerms).HasColumnName("LateFeeTerms").HasMaxLength(500);
                clauses.Property(k => k.PermitsReferral).HasColumnName("PermitsReferral");
                clauses.Property(k => k.ReferTo).HasColumnName("ReferTo").HasMaxLength(200);
                clauses.Property(k => k.LateInterestPercentAYear).HasColumnName("LateInterestPercentAYear");
                clauses.Property(k => k.LateFee).HasColumnName("LateFee");
            });
        });

        model.Entity<Invoice>(invoice =>
        {
            invoice.Property(i => i.Source).HasMaxLength(40);
            invoice.Property(i => i.Number).HasMaxLength(100);
            invoice.HasIndex(i => new { i.Source, i.Number }).IsUnique();
            invoice.HasIndex(i => i.Number); // commands find an invoice by number alone
            invoice.HasIndex(i => i.ClientId);
            invoice.Property(i => i.Currency).HasMaxLength(3);
            invoice.Property(i => i.PaymentLink).HasMaxLength(2000);
            invoice.Property(i => i.SourceId).HasMaxLength(100);
            invoice.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
            invoice.HasOne(i => i.Client).WithMany(c => c.Invoices).HasForeignKey(i => i.ClientId)
                .OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<Payment>(payment =>
        {
            payment.Property(p => p.Currency).HasMaxLength(3);
            payment.Property(p => p.Origin).HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.RecordedBy).HasMaxLength(200);
            payment.HasOne(p => p.Invoice).WithMany(i => i.Payments).HasForeignKey(p => p.InvoiceId)
                .OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<Dispute>(dispute =>
        {
            dispute.Property(d => d.Reason).HasMaxLength(1000);
            dispute.Property(d => d.OpenedBy).HasMaxLength(200);
            dispute.Property(d => d.ResolvedBy).HasMaxLength(200);
            dispute.Property(d => d.ResolutionNote).HasMaxLength(1000);
            dispute.HasOne(d => d.Invoice).WithMany(i => i.Disputes).HasForeignKey(d => d.InvoiceId)
                .OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<PaymentPromise>(promise =>
        {
            promise.Property(p => p.RecordedBy).HasMaxLength(200);
            promise.HasOne(p => p.Invoice).WithMany(i => i.Promises).HasForeignKey(p => p.InvoiceId)
                .OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<ImportRun>(run =>
        {
            run.Property(r => r.FileName).HasMaxLength(500);
            run.Property(r => r.FileHash).HasMaxLength(64);
            run.HasIndex(r => r.FileHash);
            run.Property(r => r.Format).HasMaxLength(60);
            run.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
            run.Property(r => r.Message).HasMaxLength(2000);
            run.Property(r => r.Origin).HasConversion<string>().HasMaxLength(10);
            run.Property(r => r.Source).HasMaxLength(60);
            run.HasIndex(r => new { r.Source, r.Outcome, r.Id }); // a source's last sync, asked by every status
            run.Property(r => r.Cursor).HasMaxLength(500);
            run.Property(r => r.Mode).HasConversion<string>().HasMaxLength(10);
            run.HasMany(r => r.RejectedRows).WithOne().HasForeignKey(r => r.ImportRunId)
                .OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<RejectedRow>(row => row.Property(r => r.Reason).HasMaxLength(1000));

        model.Entity<AuditEntry>(audit =>
        {
            audit.Property(a => a.Actor).HasMaxLength(300);
            audit.Property(a => a.Action).HasMaxLength(60);
            audit.Property(a => a.Subject).HasMaxLength(300);
            audit.HasIndex(a => a.At);
        });

        ConfigureChasing(model);
    }

    private static void ConfigureChasing(ModelBuilder model)
    {
        model.Entity<ChaseStepRecord>(step =>
        {
            step.Property(s => s.Step).HasMaxLength(40);
            step.Property(s => s.Outcome).HasConversion<string>().HasMaxLength(20);
            step.Property(s => s.Reason).HasMaxLength(500);
            step.HasIndex(s => new { s.InvoiceId, s.Step }).IsUnique(); // At most once, ever.
            step.HasOne<Invoice>().WithMany().HasForeignKey(s => s.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<Proposal>(proposal =>
        {
            proposal.Property(p => p.Step).HasMaxLength(40);
            // Two approvers clicking at once: the second save finds the status changed and fails instead of overwriting.
            proposal.Property(p => p.Status).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
            proposal.Property(p => p.DecidedBy).HasMaxLength(200);
            proposal.Property(p => p.Reason).HasMaxLength(1000);
            // Not unique: a case's rung may be led by an invoice that led a rung of an earlier case. CaseSteps keeps rungs unique.
            proposal.HasIndex(p => new { p.InvoiceId, p.Step });
            proposal.HasIndex(p => p.Status);
            proposal.HasOne(p => p.Invoice).WithMany().HasForeignKey(p => p.InvoiceId).OnDelete(DeleteBehavior.Restrict);
            proposal.HasOne(p => p.Case).WithMany().HasForeignKey(p => p.CaseId).OnDelete(DeleteBehavior.Restrict);
            proposal.HasMany(p => p.Covers).WithOne().HasForeignKey(c => c.ProposalId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<ProposalInvoice>(cover =>
        {
            cover.HasKey(c => new { c.ProposalId, c.InvoiceId });
            cover.HasOne(c => c.Invoice).WithMany().HasForeignKey(c => c.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<CollectionCase>(collection =>
        {
            collection.Property(c => c.Currency).HasMaxLength(3);
            collection.Property(c => c.ClosedReason).HasMaxLength(300);
            // One open case per client and currency: two Workers opening the same case at once cannot both succeed.
            collection.HasIndex(c => new { c.ClientId, c.Currency }).IsUnique().HasFilter("\"ClosedOn\" IS NULL");
            collection.HasOne(c => c.Client).WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<ClientContact>(contact =>
        {
            contact.Property(c => c.Step).HasMaxLength(40);
            contact.Property(c => c.Way).HasConversion<string>().HasMaxLength(20);
            contact.Property(c => c.DraftKey).HasMaxLength(300);
            contact.Property(c => c.By).HasMaxLength(200);
            contact.HasIndex(c => c.DraftKey).IsUnique(); // one contact per draft
            contact.HasIndex(c => c.ClientId);
            contact.HasOne<Ledger.Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<CaseStepRecord>(step =>
        {
            step.Property(s => s.Step).HasMaxLength(40);
            step.Property(s => s.Outcome).HasConversion<string>().HasMaxLength(20);
            step.Property(s => s.Reason).HasMaxLength(500);
            step.HasIndex(s => new { s.CaseId, s.Step }).IsUnique(); // One decision per case per rung.
            step.HasOne<CollectionCase>().WithMany().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<OutboxMessage>(message =>
        {
            message.Property(m => m.Key).HasMaxLength(300);
            message.HasIndex(m => m.Key).IsUnique();
            message.HasIndex(m => m.DeadLetteredAt);
            message.Property(m => m.Kind).HasMaxLength(30);
            message.Property(m => m.Audience).HasConversion<string>().HasMaxLength(20);
            message.Property(m => m.Target).HasMaxLength(200);
            message.Property(m => m.Platform).HasMaxLength(30);
            message.Property(m => m.PlatformMessageId).HasMaxLength(200);
            message.Property(m => m.Replaces).HasMaxLength(200);
            message.Property(m => m.LastError).HasMaxLength(2000);
            message.HasIndex(m => new { m.DeliveredAt, m.DeadLetteredAt, m.NotBefore });
        });

        model.Entity<MoraleCheck>(check =>
        {
            check.Property(c => c.UserId).HasMaxLength(100);
            check.Property(c => c.Trigger).HasMaxLength(30);
            check.Property(c => c.Answer).HasMaxLength(30);
            check.HasIndex(c => new { c.UserId, c.AskedAt });
        });

        model.Entity<ChatUser>(user =>
        {
            user.HasKey(u => u.UserId);
            user.Property(u => u.UserId).HasMaxLength(100);
            user.Property(u => u.DisplayName).HasMaxLength(200);
        });

        model.Entity<DigestRecord>(digest =>
        {
            digest.Property(d => d.Key).HasMaxLength(100);
            digest.HasIndex(d => d.Key).IsUnique();
        });
        model.Entity<DigestChart>(chart => chart.Property(c => c.AltText).HasMaxLength(4000));

        model.Entity<Teams.ConversationReference>(reference =>
        {
            reference.Property(r => r.ConversationId).HasMaxLength(300);
            reference.HasIndex(r => r.ConversationId).IsUnique();
            reference.Property(r => r.ServiceUrl).HasMaxLength(500);
            reference.Property(r => r.TenantId).HasMaxLength(100);
            reference.Property(r => r.BotId).HasMaxLength(200);
            reference.Property(r => r.UserId).HasMaxLength(200);
            reference.HasIndex(r => r.UserId);
            reference.Property(r => r.AadObjectId).HasMaxLength(100);
            reference.Property(r => r.ConversationType).HasMaxLength(30);
            reference.Property(r => r.RetiredReason).HasMaxLength(300);
        });

        model.Entity<Slack.SlackReceipt>(receipt =>
        {
            receipt.HasKey(r => r.Key);
            receipt.Property(r => r.Key).HasMaxLength(255);
            receipt.HasIndex(r => r.ReceivedAt);
        });

        model.Entity<Sources.Connections.SourceConnection>(connection =>
        {
            connection.Property(c => c.Source).HasMaxLength(40);
            connection.HasIndex(c => c.Source).IsUnique();
            connection.Property(c => c.Tenant).HasMaxLength(100);
            connection.Property(c => c.TenantName).HasMaxLength(200);
            connection.Property(c => c.AccessToken).HasMaxLength(8000);
            connection.Property(c => c.RefreshToken).HasMaxLength(4000);
            connection.Property(c => c.ConnectedBy).HasMaxLength(200);
            connection.Property(c => c.Problem).HasMaxLength(500);
            connection.Property(c => c.Version).IsConcurrencyToken();
        });

        model.Entity<Sources.Connections.ConnectRequest>(request =>
        {
            request.Property(r => r.Source).HasMaxLength(40);
            request.Property(r => r.State).HasMaxLength(64);
            request.HasIndex(r => r.State).IsUnique();
            request.Property(r => r.CodeVerifier).HasMaxLength(2000);
            request.Property(r => r.RequestedBy).HasMaxLength(200);
        });
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
