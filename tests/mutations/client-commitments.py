#!/usr/bin/env python3
"""Each promise of docs/guarantees.md section 10, removed one at a time: the replay's tests must fail for each.

Usage: python3 tests/mutations/client-commitments.py [name-prefix ...]
Works in a scratch git worktree of HEAD (never in this checkout); prints, per removed rule, which of
Guarantees/ClientCommitmentsTests failed. A line that says NONE is a promise no test attacks.
"""
import os, re, subprocess, sys, tempfile

repo = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True).stdout.strip()
scratch = tempfile.mkdtemp(prefix="chasebot-mutations-")
subprocess.run(["git", "-C", repo, "worktree", "add", "-q", "--detach", scratch, "HEAD"], check=True)
M = [
 ("1 suspension on the date given", "src/Core/Chasing/CasePolicy.cs", "if (!gapOk || today < heldUntil)\n                break; // the day", "if (!gapOk || today < heldUntil.AddDays(3))\n                break; // the day"),
 ("2 restore only when access is back", "src/Core/Chasing/ChaseMessages.cs", '"Access is back: tell the client" : "Approve"', '"Approve" : "Approve"'),
 ("3 referral only under its clause", "src/Core/Chasing/EscalationArtifacts.cs", '_ => $"{by}, we will decide on the next steps our agreement allows.",', '_ => $"{by}, the matter may be referred for collection from {CaseHistory.Long(consequenceFrom)}.",'),
 ("4 card shows the text sent", "src/Core/Chasing/HeldProposalCards.cs", "Artifact = message.Artifact is null ? null : approvedText ?? message.Artifact,", "Artifact = message.Artifact,"),
 ("5 dispute resumes after a week", "src/Core/Chasing/ChaseSituations.cs", ".AddDays(settings.ResumeAfterDisputeDays)", ".AddDays(0)"),
 ("6 history is what was delivered", "src/Core/Chasing/CaseView.cs", "var reminders = RemindersDelivered;", "var reminders = RemindersSent;"),
 ("7 thank-you says what remains", "src/Core/Chasing/PaidThanks.cs", ".OrderBy(i => i.DueDate).ToListAsync(cancellationToken)).Select(i => InvoiceView.From(i, today)).ToList();", ".OrderBy(i => i.DueDate).ToListAsync(cancellationToken)).Select(i => InvoiceView.From(i, today)).Take(0).ToList();"),
 ("8 how to pay", "src/Core/Payments/HowToPay.cs", 'return lines.Count == 0 ? "" :', 'return true ? "" :'),
 ("9a remind first offered", "src/Core/Chasing/ChaseMessages.cs", "var remindFirst = firstContact && step.Id == ChaseLadder.LateNotice;", "var remindFirst = false;"),
 ("9b also now due", "src/Core/Chasing/CaseView.cs", "return known.Count == 0 ? (this, []) :", "return true ? (this, []) :"),
 ("10 pay-by repeated", "src/Core/Chasing/EmailDrafts.cs", "ahead is { } given && given > today ? given : today.AddDays(7);", "today.AddDays(7);"),
 ("11 partial payment thanked", "src/Core/Chasing/ChaseSituations.cs", "Received = received.Count == 0 ? null :", "Received = true ? null :"),
 ("12 write-off closes as written off", "src/Core/Chasing/CaseClosures.cs", 'writtenOff ? "written off" : "nothing overdue is left"', '"nothing overdue is left"'),
 ("13 stale export never overwrites", "src/Core/Exports/LedgerWriter.cs", "if (run.AsOf is { } asOf && invoice.FactsAsOf is { } held && asOf < held)", "if (run.AsOf is { } asOf && invoice.FactsAsOf is { } held && asOf < held && false)"),
 ("14a Sent to never lost", "src/Core/Delivery/OutboxDrainer.cs", "current != message.Body && result.PlatformMessageId", "false && result.PlatformMessageId"),
 ("14b no weekend digest", "src/Core/Digests/ChannelDigest.cs", "QuietDay(clock.GetUtcNow()) ? Task.FromResult(false)", "false ? Task.FromResult(false)"),
 ("15 local times with abbreviation", "src/Core/Text/ZoneTime.cs", "var name = zone.IsDaylightSavingTime(instant) ? daylight : standard;", "string? name = \"UTC\";"),
]
only = sys.argv[1:]
for name, path, old, new in M:
    if only and not any(name.startswith(o) for o in only): continue
    p = os.path.join(scratch, path)
    s = open(p).read()
    if old not in s:
        print(f"{name}: PATTERN NOT FOUND", flush=True); continue
    open(p, "w").write(s.replace(old, new, 1))
    b = subprocess.run(f"cd {scratch} && dotnet build tests/ChaseBot.Tests -v q 2>&1 | grep -E ' error |rror\\(s\\)'", shell=True, capture_output=True, text=True).stdout
    if "0 Error" not in b:
        print(f"{name}: BUILD FAILED {b[:300]}", flush=True)
    else:
        out = subprocess.run(f"cd {scratch} && dotnet test tests/ChaseBot.Tests --no-build --filter FullyQualifiedName~ClientCommitmentsTests 2>&1", shell=True, capture_output=True, text=True).stdout
        failed = sorted(set(re.findall(r"Failed ChaseBot\.Tests\.Guarantees\.ClientCommitmentsTests\.(\w+)", out)))
        print(f"{name}: {len(failed)} failed: {', '.join(failed) or 'NONE'}", flush=True)
    subprocess.run(["git", "-C", scratch, "checkout", "-q", "--", path])

subprocess.run(["git", "-C", repo, "worktree", "remove", "--force", scratch])
