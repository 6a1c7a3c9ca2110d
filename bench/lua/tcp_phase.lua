-- tcp_phase.lua - the kind of TCP phase post-dissector users write in Lua today,
-- as the baseline for tcplife's benchmark (bench/run.py).  Not part of tcplife.
--
-- Per packet: reads tcp.stream and tcp.flags through Field.new, classifies the
-- packet as handshake (SYN), teardown (FIN), reset (RST) or transfer, keeps a
-- per-stream table (packets, SYNs, FINs, RSTs so far) and adds a
-- "TCP phase (Lua)" tree with tcp_phase.phase and tcp_phase.count.  The
-- verdict is computed on the first visit that has the fields and stored per
-- frame (as tcplife stores its verdicts).  It does much less than
-- tcplife (no sequence numbers, no steps, no stream summary, no Zeek state),
-- so its cost is a lower bound of what a Lua equivalent would cost.
--
--   tshark -X lua_script:bench/lua/tcp_phase.lua -r CAPTURE -T fields -e tcp.stream -e tcp_phase.phase

local proto = Proto("tcp_phase", "TCP phase (Lua)")
local phase_names = { [1] = "handshake", [2] = "transfer", [3] = "teardown", [4] = "reset" }
local f_phase = ProtoField.uint8("tcp_phase.phase", "Phase", base.DEC, phase_names)
local f_count = ProtoField.uint32("tcp_phase.count", "Packets of this stream so far")
proto.fields = { f_phase, f_count }

local tcp_stream = Field.new("tcp.stream")
local tcp_flags = Field.new("tcp.flags")

local streams = {}   -- tcp.stream -> { packets, syns, fins, rsts }
local verdicts = {}  -- frame number -> { phase, count }

function proto.init()
    streams = {}
    verdicts = {}
end

local function classify(flags)
    if flags % 8 >= 4 then return 4 end          -- RST
    if flags % 4 >= 2 then return 1 end          -- SYN
    if flags % 2 == 1 then return 3 end          -- FIN
    return 2
end

function proto.dissector(tvb, pinfo, tree)
    local v = verdicts[pinfo.number]
    if not v then
        -- tshark -2 builds no tree on its first pass for a Lua post-dissector
        -- (its fields are nil there): the second pass then computes it.
        local fl = tcp_flags()
        local si = tcp_stream()
        if not fl or not si then return end
        local index = si.value
        local s = streams[index]
        if not s then
            s = { packets = 0, syns = 0, fins = 0, rsts = 0 }
            streams[index] = s
        end
        local phase = classify(fl.value)
        s.packets = s.packets + 1
        if phase == 1 then s.syns = s.syns + 1
        elseif phase == 3 then s.fins = s.fins + 1
        elseif phase == 4 then s.rsts = s.rsts + 1 end
        v = { phase, s.packets }
        verdicts[pinfo.number] = v
    end
    local t = tree:add(proto, tvb(0, 0))
    t:add(f_phase, v[1]):set_generated()
    t:add(f_count, v[2]):set_generated()
end

register_postdissector(proto)
