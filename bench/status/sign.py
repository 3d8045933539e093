"""Writes pre-signed Slack slash-command requests for wrk (signed.lua): one per line, "timestamp<TAB>signature<TAB>body".
Every body differs (trigger_id), so none is refused as a replay. Usage: sign.py <secret> <count> <text> <out> [names]"""
import hashlib, hmac, sys, time, urllib.parse

secret, count, text, out = sys.argv[1].encode(), int(sys.argv[2]), sys.argv[3], sys.argv[4]
# Optional: a file of names; request n then asks about name n (cycling) in place of "{}" in the text.
names = [line.strip() for line in open(sys.argv[5]) if line.strip()] if len(sys.argv) > 5 else None
timestamp = str(int(time.time()))
with open(out, "w") as f:
    for n in range(count):
        body = urllib.parse.urlencode({
            "command": "/chase", "text": text.replace("{}", names[n % len(names)]) if names else text, "user_id": "U0BENCH", "channel_id": "C0BENCH", "team_id": "T0BENCH",
            "response_url": "http://127.0.0.1:9/hooks/bench", "trigger_id": f"bench.{n}",
        })
        signature = "v0=" + hmac.new(secret, f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
        f.write(f"{timestamp}\t{signature}\t{body}\n")
