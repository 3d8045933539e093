-- wrk script: replays pre-signed Slack requests (sign.py), each once; thread k takes lines k, k+threads, ...
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local n, file = 0, args[1]
  for line in io.lines(file) do
    if n % tonumber(args[2]) == id then
      local ts, sig, body = line:match("([^\t]+)\t([^\t]+)\t(.*)")
      requests[#requests + 1] = wrk.format("POST", "/slack/commands", {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Slack-Request-Timestamp"] = ts, ["X-Slack-Signature"] = sig }, body)
    end
    n = n + 1
  end
  next_request = 0
end

function request()
  next_request = next_request + 1
  return requests[(next_request - 1) % #requests + 1]
end
