using ChaseBot.Core.Exports.Parsing;
using ChaseBot.Core.Ledger;
using ChaseBot.Core.Storage;
using ChaseBot.Core.Text;
using Microsoft.EntityFrameworkCore;

namespace ChaseBot.Core.Exports;

/// <summary>The clients a batch names: found by normalized name, created once, their export email taken when none is set.</summary>
internal sealed partial class LedgerWriter
{
    private readonly Dictionary<string, Client> _clients = new(StringComparer.Ordinal);

    private async Task<Dictionary<string, Client>> ClientsFor(IReadOnlyList<InvoiceFacts> batch, CancellationToken cancellationToken)
    {
        var wanted = batch.GroupBy(f => Client.Normalize(f.ClientName)).ToDictionary(g => g.Key, g => g.First());
        // Clients seen in earlier batches of this file are remembered (untracked), so each is read once per import.
        var unknown = wanted.Keys.Where(k => !_clients.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            foreach (var found in await db.Clients.AsNoTracking().Where(c => unknown.Contains(c.NormalizedName)).ToListAsync(cancellationToken))
                _clients[found.NormalizedName] = found;
        await FindRedecodedAsync(wanted, cancellationToken);
        var clients = wanted.Keys.Where(_clients.ContainsKey).ToDictionary(k => k, k => _clients[k]);
        var created = new List<Client>();
        foreach (var (key, facts) in wanted)
        {
            if (clients.TryGetValue(key, out var client))
            {
                if (client.BillingEmail is null && Email.EmailAddresses.FromExport(facts.Email) is ({ } exported, var copies))
                {
                    db.Clients.Attach(client);
                    client.BillingEmail = exported;
                    client.CcAddresses ??= copies;
                    client.UpdatedAt = now;
                    Audit(AuditActions.ClientUpdated, client.Name, $"billing email {exported}" + (copies is null ? "" : $", cc {copies}"));
                }
                // Like the email: set in chat, a jurisdiction wins; the export only fills one not recorded.
                if (client.Jurisdiction is null && LatePayment.Jurisdictions.FromCountry(facts.Country) is { } jurisdiction)
                {
                    if (db.Entry(client).State == EntityState.Detached)
                        db.Clients.Attach(client);
                    client.Jurisdiction = jurisdiction;
                    client.UpdatedAt = now;
                    Audit(AuditActions.ClientUpdated, client.Name, $"jurisdiction {jurisdiction} (from the export's country, {facts.Country!.Trim()})");
                }
                continue;
            }
            // A malformed export address is left out, never sent to; a list gives the billing address and its CCs.
            var (billing, cc) = Email.EmailAddresses.FromExport(facts.Email);
            client = new Client
            {
                Name = facts.ClientName,
                NormalizedName = key,
                BillingEmail = billing,
                CcAddresses = cc,
                Jurisdiction = LatePayment.Jurisdictions.FromCountry(facts.Country),
                CreatedAt = now,
                UpdatedAt = now,
            };
            created.Add(client);
            clients[key] = _clients[key] = client;
            Audit(AuditActions.ClientCreated, client.Name, null);
        }
        if (created.Count > 0)
        {
            // In bulk like the invoices (EF's SaveChanges for a few new clients per batch was a fifth of a first import),
            // then their ids, by the unique normalised name, for the invoices that refer to them.
            await BulkInsert.InsertAsync(db, created, cancellationToken);
            var names = created.Select(c => c.NormalizedName).ToList();
            var ids = await db.Clients.AsNoTracking().Where(c => names.Contains(c.NormalizedName))
                .Select(c => new { c.Id, c.NormalizedName }).ToDictionaryAsync(c => c.NormalizedName, c => c.Id, StringComparer.Ordinal, cancellationToken);
            foreach (var c in created)
                c.Id = ids[c.NormalizedName];
        }
        return clients;
    }

    /// <summary>What this batch's writing found to say (one per kind of finding, kept as ImportWarnings keeps them).</summary>
    private readonly List<(string Kind, string Text)> _findings = [];

    /// <summary>
    /// A name the ledger does not hold but holds in another reading of its bytes ("ZÃ¼rich Design AG" for "Zürich Design
    /// AG") is that client, under the name stored: said, never a new client with none of the stored one's owner,
    /// pause or clauses.
    /// </summary>
    private async Task FindRedecodedAsync(Dictionary<string, InvoiceFacts> wanted, CancellationToken cancellationToken)
    {
        var others = wanted.Keys.Where(k => !_clients.ContainsKey(k))
            .SelectMany(k => Text.Redecoding.Alternatives(k).Select(a => (Key: k, Other: Client.Normalize(a.Text), a.How)))
            .ToList();
        if (others.Count == 0)
            return;
        var names = others.Select(o => o.Other).Distinct().ToList();
        var stored = await db.Clients.AsNoTracking().Where(c => names.Contains(c.NormalizedName))
            .ToDictionaryAsync(c => c.NormalizedName, StringComparer.Ordinal, cancellationToken);
        foreach (var (key, other, how) in others)
        {
            if (_clients.ContainsKey(key) || !stored.TryGetValue(other, out var client))
                continue;
            _clients[key] = client;
            _findings.Add(("redecoded", $"the client \"{Printable.Of(wanted[key].ClientName)}\" (line {wanted[key].FirstLine}) is \"{Printable.Of(client.Name)}\" " +
                $"with its letters {how}; kept as \"{Printable.Of(client.Name)}\", the name the ledger holds"));
        }
    }
}
