--[[
siffror.lua: puts the pipeline's numbers, tables and charts into the report.

Runs the same under `quarto render` (filters: in _quarto.yml) and plain pandoc
(--lua-filter). The report source refers to data only by id:

  [text.mottagare]{.f}                 a figure, formatted (linked to its trace in HTML)
  [bedomningar.tabell3_1]{.f visa="etikett"}     the figure's row label (its words) instead
  [x]{.f visa="Etikett"}               the same, first letter capitalised (sentence start)
  [rapportdata.avvisade_filer]{.f visa="antal"}  a count with its noun: "ingen fil",
                                       "en fil", "3 filer" ("Antal": capitalised)
  [version]{.meta}                     a fact about the build (version, data as of)
  ::: {.tabell ref="tabell1"} :::      a table with caption, notes and source
  ::: {.diagram ref="diagram_tabell1"} :::   a chart with alt text
  ::: {.kommentar} :::                 the analysts' commentary for the year
  ::: {.om-finns ref="x"} … :::        kept only when figure or table x exists this year
  ::: {.om-saknas ref="x"} … :::       kept only when it does not
  ::: {.om-noll ref="x"} … :::         kept only when figure x is 0 (x exists)
  ::: {.om-positiv ref="x"} … :::      kept only when figure x is above 0
  [… ]{.om-finns ref="x"}              the same conditions on a part of a sentence

A reference to a figure that does not exist this year fails the build with one message
naming every such figure (put the sentence inside an .om-finns block instead).
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
  meta.date = pandoc.Inlines(data.meta.date .. ". Version " .. data.meta.version .. ".")
  -- Who publishes the report and where a reader asks about it (pipeline/config.py).
  if FORMAT:match("typst") then  -- the Typst template lays out an author's fields
    meta.author = {pandoc.MetaMap({
      name = pandoc.Inlines(data.meta.publisher),
      affiliation = pandoc.Inlines(data.meta.contact),
    })}
  else
    meta.author = {pandoc.Inlines(data.meta.publisher), pandoc.Inlines(data.meta.contact)}
  end
  if FORMAT:match("typst") then
    -- The PDF's title page says what a reader must know first (the HTML says it at the
    -- top, in "Om underlaget"): which data are synthetic.
    -- Not hyphenated: a hyphenation's glyph would make every hyphen of the PDF copy as a
    -- soft hyphen (FINGER\u{AD}modellen), unsearchable.
    local note = pandoc.Inlines(data.meta.data_note)
    note:insert(1, pandoc.RawInline("typst", "#set text(hyphenate: false)\n"))
    meta.abstract = pandoc.Blocks({pandoc.Para(note)})
    meta["abstract-title"] = pandoc.Inlines("Om underlaget")
  end
  meta.lang = "sv-SE"
  if is_typst then
    -- Set rules placed at the start of the body come after the template's own, so
    -- they win (the template justifies paragraphs, for one).
    meta["include-before"] = pandoc.MetaList({
      pandoc.MetaBlocks({pandoc.RawBlock("typst", data.typst_preamble)})})
  end
  return meta
end

local missing = {}

local function figure(id)
  local fig = data.figures[id]
  if not fig then
    missing[#missing + 1] = id
    return {text = "?", label = "?", count = "?"}
  end
  return fig
end

local function capitalised(text)
  return pandoc.text.upper(pandoc.text.sub(text, 1, 1)) .. pandoc.text.sub(text, 2)
end

local CONDITIONS = {"om-finns", "om-saknas", "om-noll", "om-positiv"}

-- Whether an element with one of the condition classes is kept this year.
local function condition_holds(el)
  local ref = el.attributes["ref"]
  local fig = data.figures[ref]
  local exists = fig ~= nil or data.tables[ref] ~= nil
  if el.classes:includes("om-finns") then return exists end
  if el.classes:includes("om-saknas") then return not exists end
  -- A figure that does not exist this year (its question was not asked) is neither zero
  -- nor above it: the text that depends on it goes.
  if not fig then return false end
  if el.classes:includes("om-noll") then return fig.value == 0 end
  return fig.value ~= nil and fig.value > 0
end

local function is_condition(el)
  for _, c in ipairs(CONDITIONS) do
    if el.classes:includes(c) then return true end
  end
  return false
end

local function linked(text, fig, id)
  local inlines = pandoc.Inlines(text)
  if is_html and fig and fig.anchor then
    return pandoc.Inlines({pandoc.Link(inlines, fig.page .. "#" .. fig.anchor, "",
      pandoc.Attr("", {"fig"}, {{"data-figure", id}}))})
  end
  return inlines
end

local span

-- Spans are visited from the outside in, so that a condition is decided before the
-- figures inside it are looked up.
local function with_spans(content)
  return content:walk({Span = span, traverse = "topdown"})
end

span = function(el)
  if is_condition(el) then
    if condition_holds(el) then return with_spans(el.content), false end
    return {}, false
  end
  if el.classes:includes("f") then
    local id = pandoc.utils.stringify(el.content)
    local fig = figure(id)
    local show = el.attributes["visa"]
    if show == "etikett" then return pandoc.Inlines(fig.label or "") end
    if show == "Etikett" then return pandoc.Inlines(capitalised(fig.label or "")) end
    if show == "antal" then return linked(fig.count, fig, id) end
    if show == "Antal" then return linked(capitalised(fig.count), fig, id) end
    return linked(fig.text, fig, id)
  elseif el.classes:includes("meta") then
    local key = pandoc.utils.stringify(el.content)
    local value = data.meta[key]
    if value == nil then error("siffror.lua: unknown meta key '" .. key .. "'") end
    return pandoc.Inlines(value)
  end
end

local function plain(text) return {pandoc.Plain(pandoc.Inlines(text))} end

-- In the PDF, a table or a chart stays on one page with its caption and notes when it
-- fits on one (assets/report.typ's `keep` measures it): no caption left at a page's foot,
-- no short table split after its first row. One taller than a page breaks across pages.
local function together(blocks)
  if not FORMAT:match("typst") then return blocks end
  local kept = {pandoc.RawBlock("typst", "#keep[")}
  for _, b in ipairs(blocks) do table.insert(kept, b) end
  table.insert(kept, pandoc.RawBlock("typst", "]"))
  return kept
end

local function table_blocks(id)
  local t = data.tables[id]
  if not t and data.absent[id] == true then return {} end  -- left out, nothing to say
  if not t and data.absent[id] then  -- not asked in this year's form: say so
    return {pandoc.Para(pandoc.Emph(pandoc.Inlines(data.absent[id])))}
  end
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
  -- The label column heads its rows (th scope="row" in HTML), for screen readers.
  for _, body in ipairs(tbl.bodies) do body.row_head_columns = 1 end
  local notes = {}
  for _, line in ipairs(t.notes) do table.insert(notes, pandoc.Para(pandoc.Inlines(line))) end
  local framed = tbl
  if is_html then
    -- A wide table scrolls inside its own region on a narrow screen, not the page.
    framed = pandoc.Div({tbl}, pandoc.Attr("", {"tabellram"},
      {{"role", "region"}, {"aria-label", t.caption}, {"tabindex", "0"}}))
  end
  return together({framed, pandoc.Div(notes, pandoc.Attr("", {"tabellnot"}))})
end

-- A Typst string literal of a text: backslashes and quotes escaped, on one line.
local function typst_string(text)
  local escaped = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("%s+", " ")
  return '"' .. escaped .. '"'
end

local TEXT_WIDTH_MM = 165.6  -- A4 less the margins of assets/report.typ (2 × 2.2 cm)
local CHART_MM = 190  -- the tallest a chart is drawn: its caption and notes share the page
local charts_shown = 0  -- diagrams are numbered in the order the report shows them

local function chart_blocks(id)
  local c = data.charts[id]
  if not c and data.absent[id] then return {} end
  if not c then error("siffror.lua: unknown chart '" .. id .. "'") end
  charts_shown = charts_shown + 1
  local caption = "Diagram " .. charts_shown .. ". " .. c.caption
  local notes = {}
  for _, line in ipairs(c.notes) do table.insert(notes, pandoc.Para(pandoc.Inlines(line))) end
  local note_div = pandoc.Div(notes, pandoc.Attr("", {"tabellnot"}))
  if FORMAT:match("typst") then
    -- Pandoc's Typst writer drops an image's alternative text; PDF/UA needs it, so the
    -- figure is written as Typst itself, its texts as string literals (nothing in them is
    -- read as markup).
    -- A chart taller than CHART_MM at the text's width (the maps) is narrowed to it, so
    -- that it fits on a page with its caption and notes.
    local width = math.min(TEXT_WIDTH_MM, CHART_MM / c.aspect)
    return together({pandoc.RawBlock("typst", string.format(
      '#figure(image("%s", width: %.1fmm, alt: %s), caption: %s, supplement: none, '
        .. 'numbering: none) <fig-%s>',
      c.path, width, typst_string(c.alt), typst_string(caption), id)), note_div})
  end
  local img = pandoc.Image(pandoc.Inlines(c.alt), c.path, "",
    pandoc.Attr("", {}, {{"width", "100%"}}))
  return {pandoc.Figure({pandoc.Plain({img})}, {pandoc.Plain(pandoc.Inlines(caption))},
    pandoc.Attr("fig-" .. id)), note_div}
end

local div

-- The analysts' commentary: its own conditions (a sentence about the year before, say)
-- and figures as in the report source.
local function commentary_blocks()
  -- A year without commentary (report/kommentarer/<year>.md) has no such section.
  if type(data.commentary) ~= "string" then return {} end
  local f = assert(io.open(data.commentary, "r"), "cannot open " .. data.commentary)
  local doc = pandoc.read(f:read("a"), "markdown")
  f:close()
  local blocks = with_spans(doc.blocks:walk({Div = div}))
  table.insert(blocks, 1, pandoc.Header(1, "Analytikernas kommentarer"))
  return blocks
end

div = function(el)
  local ref = el.attributes["ref"]
  if el.classes:includes("tabell") then return table_blocks(ref)
  elseif el.classes:includes("diagram") then return chart_blocks(ref)
  elseif el.classes:includes("kommentar") then return commentary_blocks()
  elseif el.classes:includes("syntetiskt") and FORMAT:match("typst") then
    return {}  -- on the PDF's title page instead
  elseif is_condition(el) then
    if condition_holds(el) then return el.content end
    return {}
  end
end

-- The report's content is the page's main landmark (the title and contents come before).
local function landmarks(doc)
  if is_html then
    table.insert(doc.blocks, 1, pandoc.RawBlock("html", "<main>"))
    table.insert(doc.blocks, pandoc.RawBlock("html", "</main>"))
  end
  return doc
end

local function report_missing(doc)
  if #missing > 0 then
    local seen, names = {}, {}
    for _, id in ipairs(missing) do
      if not seen[id] then seen[id] = true; names[#names + 1] = id end
    end
    io.stderr:write("siffror.lua: the report source refers to figures that "
      .. data.meta.year .. "'s data does not have: " .. table.concat(names, ", ")
      .. ". Their questions are not in the form raw/forms/" .. data.meta.year .. "/form.toml, "
      .. "or the ids are wrong: put the sentences in an .om-finns block, or fix the ids.\n")
    os.exit(3)
  end
  return doc
end

-- In the PDF each appendix starts on a page of its own: its first, long table would
-- otherwise begin with a caption alone at the foot of a page.
local function appendix_on_new_page(el)
  if el.level == 1 and FORMAT:match("typst")
      and pandoc.utils.stringify(el.content):match("^Bilaga") then
    return {pandoc.RawBlock("typst", "#pagebreak(weak: true)"), el}
  end
end

return {
  {Meta = load_data},
  {Div = div},
  {Header = appendix_on_new_page},
  {Span = span, traverse = "topdown"},
  {Pandoc = report_missing},
  {Pandoc = landmarks},
}
