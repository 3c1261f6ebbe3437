-- wrk script of bench/rooms.sh: each connection creates a video room, destroys it, and again.
-- Run with one connection per thread (-tN -cN): a thread's requests then alternate strictly, so
-- request() and response() pair up and each create and destroy is timed on its own here (wrk's
-- own histogram mixes both).
--
-- ROOMS_TARGET=gateway  POST /api/rooms/video, DELETE /api/rooms/video/:room (ROOMS_SESSION: the
--                       X-Session-Id); the URL given to wrk is the gateway's.
-- ROOMS_TARGET=janus    the Janus HTTP API itself (the URL is its /janus): a session and a
--                       videoroom handle per connection, then create (ROOMS_ADMIN_KEY) and destroy
--                       of rooms with the same fields as media-svc sends.
-- done() prints one line: "rooms-result <pairs> <seconds> <errors> <create p50 p90 p99 max>
-- <destroy p50 p90 p99 max>", latencies in ms, for bench/rooms.sh to tabulate.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } rooms_timespec;
  int clock_gettime(int clock, rooms_timespec *ts);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("rooms_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local target = os.getenv("ROOMS_TARGET") or "gateway"
local session = os.getenv("ROOMS_SESSION") or ""
local admin_key = os.getenv("ROOMS_ADMIN_KEY") or ""
-- Direct rooms carry this description and secret, so that bench/rooms.sh can find and destroy
-- the last one of each connection after the run.
local DIRECT_DESCRIPTION = "mediamesh-bench-direct"
local DIRECT_SECRET = "mediamesh-bench-secret"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Per thread (one connection each).
create_ms = {}
destroy_ms = {}
pairs_done = 0
errors = 0
local state = target == "gateway" and "create" or "session"
local base_path, janus_session, janus_handle, room, started

function init(args)
  base_path = wrk.path
  if base_path:sub(-1) == "/" then base_path = base_path:sub(1, -2) end
end

local function json(method, path, body)
  local headers = { ["Content-Type"] = "application/json" }
  if target == "gateway" then headers["X-Session-Id"] = session end
  return wrk.format(method, path, headers, body)
end

local function janus_message(body)
  return json("POST", base_path .. "/" .. janus_session .. "/" .. janus_handle,
              '{"janus":"message","transaction":"b","body":' .. body .. '}')
end

function request()
  started = now_us()
  if target == "gateway" then
    if state == "create" then
      return json("POST", "/api/rooms/video", '{"description":"mediamesh bench","max_publishers":3}')
    end
    return json("DELETE", "/api/rooms/video/" .. room, nil)
  end
  if state == "session" then
    return json("POST", base_path, '{"janus":"create","transaction":"s"}')
  elseif state == "attach" then
    return json("POST", base_path .. "/" .. janus_session,
                '{"janus":"attach","plugin":"janus.plugin.videoroom","transaction":"a"}')
  elseif state == "create" then
    return janus_message('{"request":"create","admin_key":"' .. admin_key .. '","description":"' ..
                         DIRECT_DESCRIPTION .. '","secret":"' .. DIRECT_SECRET ..
                         '","publishers":3,"record":false,"allowed":[]}')
  end
  return janus_message('{"request":"destroy","room":' .. room .. ',"secret":"' .. DIRECT_SECRET .. '"}')
end

-- After a create (room_id: the new room's, when it succeeded) or a destroy (destroyed: whether it
-- succeeded), the next step of the connection; true when the request counts.
local function advance(room_id, destroyed)
  if state == "create" and room_id then
    room, state = room_id, "destroy"
    return true
  elseif state == "destroy" and destroyed then
    state = "create"
    return true
  end
  errors = errors + 1
  -- A failed destroy leaves the room to the clean-up after the run; a failed create is tried again.
  state = "create"
end

local function janus_response(status, body)
  if state == "session" or state == "attach" then
    local id = status == 200 and body:match('"data"%s*:%s*{%s*"id"%s*:%s*(%d+)')
    if not id then
      errors = errors + 1
      return
    end
    if state == "session" then
      janus_session, state = id, "attach"
    else
      janus_handle, state = id, "create"
    end
    return
  end
  -- Plugin errors are HTTP 200 with error_code in plugindata.
  return advance(status == 200 and body:find('"videoroom"%s*:%s*"created"') and body:match('"room"%s*:%s*(%d+)'),
                 status == 200 and body:find('"videoroom"%s*:%s*"destroyed"') ~= nil)
end

local function gateway_response(status, body)
  return advance(status == 201 and body:match('"room_id"%s*:%s*(%d+)'), status == 204)
end

function response(status, headers, body)
  local elapsed = (now_us() - started) / 1000
  local was = state
  local ok
  if target == "gateway" then ok = gateway_response(status, body) else ok = janus_response(status, body) end
  if ok then
    if was == "create" then
      create_ms[#create_ms + 1] = elapsed
    else
      destroy_ms[#destroy_ms + 1] = elapsed
      pairs_done = pairs_done + 1
    end
  end
end

local function percentiles(values)
  table.sort(values)
  local n = #values
  if n == 0 then return "- - - -" end
  local function at(p) return values[math.max(1, math.ceil(p * n))] end
  return string.format("%.2f %.2f %.2f %.2f", at(0.50), at(0.90), at(0.99), values[n])
end

function done(summary, latency, requests)
  local creates, destroys, total_pairs, total_errors = {}, {}, 0, 0
  for _, thread in ipairs(threads) do
    for _, v in ipairs(thread:get("create_ms")) do creates[#creates + 1] = v end
    for _, v in ipairs(thread:get("destroy_ms")) do destroys[#destroys + 1] = v end
    total_pairs = total_pairs + thread:get("pairs_done")
    total_errors = total_errors + thread:get("errors")
  end
  -- wrk counts socket errors and timeouts apart from the answers seen here.
  local e = summary.errors
  total_errors = total_errors + e.connect + e.read + e.write + e.timeout
  io.write(string.format("rooms-result %d %.3f %d %s %s\n", total_pairs, summary.duration / 1e6, total_errors,
                         percentiles(creates), percentiles(destroys)))
end
