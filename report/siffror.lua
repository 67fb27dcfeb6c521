--[[
siffror.lua: puts the pipeline's numbers, tables and charts into the report.

Runs the same under `quarto render` (filters: in _quarto.yml) and plain pandoc
(--lua-filter). The report source refers to data only by id:

  [text.mottagare]{.f}                 a figure, formatted (linked to its trace in HTML)
  [text.region_hogst_andel]{.f visa="etikett"}   the figure's row label instead
  [version]{.meta}                     a fact about the build (version, data as of)
  ::: {.tabell ref="tabell1"} :::      a table with caption, notes and source
  ::: {.diagram ref="diagram_tabell1"} :::   a chart with alt text
  ::: {.kommentar} :::                 the analysts' commentary for the year
  ::: {.om-finns ref="x"} … :::        kept only when figure or table x exists this year

The data file is named by the metadata field `report-data` or the environment variable
HALSOSAMTAL_REPORT_DATA; the pipeline writes it before the render.
]]

local data = nil
local is_html = FORMAT:match("html") ~= nil
local is_typst = FORMAT:match("typst") ~= nil

local function load_data(meta)
  local path = meta["report-data"] and pandoc.utils.stringify(meta["report-data"])
    or os.getenv("HALSOSAMTAL_REPORT_DATA")
  if not path or path == "" then
    error("siffror.lua: set metadata report-data or HALSOSAMTAL_REPORT_DATA")
  end
  local f = assert(io.open(path, "r"), "siffror.lua: cannot open " .. path)
  data = pandoc.json.decode(f:read("a"), false)
  f:close()
  meta.title = pandoc.Inlines(data.meta.title)
  meta.subtitle = pandoc.Inlines(data.meta.subtitle)
  meta.date = pandoc.Inlines(data.meta.date)
  meta.lang = "sv"
  if is_typst then
    -- Set rules placed at the start of the body come after the template's own, so
    -- they win (the template justifies paragraphs, for one).
    meta["include-before"] = pandoc.MetaList({
      pandoc.MetaBlocks({pandoc.RawBlock("typst", data.typst_preamble)})})
  end
  return meta
end

local function figure(id)
  local fig = data.figures[id]
  if not fig then error("siffror.lua: unknown figure id '" .. id .. "'") end
  return fig
end

local function linked(text, fig, id)
  local inlines = pandoc.Inlines(text)
  if is_html and fig and fig.anchor then
    return pandoc.Inlines({pandoc.Link(inlines, data.trace_page .. "#" .. fig.anchor, "",
      pandoc.Attr("", {"fig"}, {{"data-figure", id}}))})
  end
  return inlines
end

local function span(el)
  if el.classes:includes("f") then
    local id = pandoc.utils.stringify(el.content)
    local fig = figure(id)
    if el.attributes["visa"] == "etikett" then return pandoc.Inlines(fig.label) end
    return linked(fig.text, fig, id)
  elseif el.classes:includes("meta") then
    local key = pandoc.utils.stringify(el.content)
    local value = data.meta[key]
    if value == nil then error("siffror.lua: unknown meta key '" .. key .. "'") end
    return pandoc.Inlines(value)
  end
end

local function plain(text) return {pandoc.Plain(pandoc.Inlines(text))} end

local function table_blocks(id)
  local t = data.tables[id]
  if not t and data.absent[id] then return {} end  -- not asked in this year's form
  if not t then error("siffror.lua: unknown table '" .. id .. "'") end
  local header, aligns, widths, rows = {}, {}, {}, {}
  for i, h in ipairs(t.header) do
    header[i] = plain(h)
    aligns[i] = (t.aligns[i] == "left") and pandoc.AlignLeft or pandoc.AlignRight
    widths[i] = t.widths[i]
  end
  for r, row in ipairs(t.rows) do
    local cells = {}
    for c, cell in ipairs(row) do
      local fig = cell.ref and data.figures[cell.ref] or nil
      cells[c] = {pandoc.Plain(linked(cell.text, fig, cell.ref))}
    end
    rows[r] = cells
  end
  local simple = pandoc.SimpleTable(pandoc.Inlines(t.caption), aligns, widths, header, rows)
  local tbl = pandoc.utils.from_simple_table(simple)
  tbl.attr = pandoc.Attr("tab-" .. id)
  local notes = {}
  for _, line in ipairs(t.notes) do table.insert(notes, pandoc.Para(pandoc.Inlines(line))) end
  return {tbl, pandoc.Div(notes, pandoc.Attr("", {"tabellnot"}))}
end

local function chart_blocks(id)
  local c = data.charts[id]
  if not c and data.absent[id] then return {} end
  if not c then error("siffror.lua: unknown chart '" .. id .. "'") end
  local img = pandoc.Image(pandoc.Inlines(c.alt), c.path, "",
    pandoc.Attr("", {}, {{"width", "100%"}}))
  return {pandoc.Figure({pandoc.Plain({img})}, {pandoc.Plain(pandoc.Inlines(c.caption))},
    pandoc.Attr("fig-" .. id))}
end

local function commentary_blocks()
  if not data.commentary then return {} end
  local f = assert(io.open(data.commentary, "r"), "cannot open " .. data.commentary)
  local doc = pandoc.read(f:read("a"), "markdown")
  f:close()
  return doc.blocks:walk({Span = span})
end

local function div(el)
  local ref = el.attributes["ref"]
  if el.classes:includes("tabell") then return table_blocks(ref)
  elseif el.classes:includes("diagram") then return chart_blocks(ref)
  elseif el.classes:includes("kommentar") then return commentary_blocks()
  elseif el.classes:includes("om-finns") then
    if data.figures[ref] or data.tables[ref] then return el.content:walk({Span = span}) end
    return {}
  end
end

return {
  {Meta = load_data},
  {Div = div},
  {Span = span},
}
