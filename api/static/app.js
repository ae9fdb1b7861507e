// The plangraph page: search with suggestions, results with highlights and reasons, facets, entity pages and
// documents with the cited sentence highlighted. Plain DOM: every text from the server goes in as textContent,
// never as markup. Pages are the app's own routes (/legal/..., /tasks/...), fetched as JSON.
"use strict";

(function () {
  const KINDS = { document: "văn bản", section: "mục", passage: "đoạn", task: "nhiệm vụ", target: "chỉ tiêu",
    legal: "văn bản pháp lý", agency: "cơ quan", person: "người", programme: "chương trình", product: "sản phẩm",
    post: "chức vụ", anomaly: "bất thường", entity: "thực thể" };
  const FACETS = { kind: "Loại nội dung", doc_type: "Loại văn bản", province: "Tỉnh, thành", year: "Năm",
    lead: "Đơn vị chủ trì", cooperating: "Đơn vị phối hợp", directed_by: "Chỉ đạo", source: "Tệp nguồn" };
  const RELATIONS = { based_on: "căn cứ", cites: "trích dẫn", applies: "thực hiện", amends: "sửa đổi, bổ sung",
    realizes: "chính là văn bản", basis: "căn cứ", task: "trong nhiệm vụ", mention: "nhắc đến" };
  const ROLES = { lead: "chủ trì", cooperating: "phối hợp", directed_by: "chỉ đạo", recipient: "nhận" };
  const DUPLICATES = { exact: "trùng nguyên văn", recurring: "lặp lại theo kỳ", overlap: "trùng trong cùng văn bản",
    similar: "tương tự ở văn bản khác" };
  const ANOMALIES = { citation_date_conflict: "ngày của văn bản trích dẫn không khớp",
    own_number_conflict: "số hiệu của chính văn bản không khớp", numbering_gap: "đánh số bị cách quãng",
    impossible_date: "ngày không có thật", copy_paste_section: "đoạn sao chép lặp lại", other: "khác" };
  const PAGE_SIZE = 10;
  const main = document.getElementById("main");
  const status = document.getElementById("status");
  const embedded = new URLSearchParams(location.search).has("embed") || sessionStorage.getItem("embed") === "1";

  // --- small helpers ---------------------------------------------------------------------------------------
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  function link(href, text, attributes) {
    if (!href) return el("span", attributes, text);
    return el("a", { href, "data-nav": "", ...(attributes || {}) }, text);
  }

  function badge(kind) {
    return el("span", { class: `badge badge-${kind}` }, KINDS[kind] || kind);
  }

  // `text` with the character ranges [[start, end], ...] wrapped in <mark>
  function highlighted(text, ranges) {
    const fragment = document.createDocumentFragment();
    let at = 0;
    for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
      if (start < at) continue;
      fragment.appendChild(document.createTextNode(text.slice(at, start)));
      fragment.appendChild(el("mark", {}, text.slice(start, end)));
      at = end;
    }
    fragment.appendChild(document.createTextNode(text.slice(at)));
    return fragment;
  }

  async function api(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    const isJson = (response.headers.get("content-type") || "").startsWith("application/json");
    const body = isJson ? await response.json() : {};
    if (!response.ok) throw new Error(body.message || `Lỗi ${response.status}`);
    if (!isJson) throw new Error("Máy chủ không trả về dữ liệu JSON");
    return body;
  }

  function announce(text) {
    status.textContent = text;
  }

  function show(title, ...content) {
    document.title = `${title} — plangraph`;
    main.replaceChildren(...content);
    main.focus({ preventScroll: true });
  }

  function failure(error) {
    console.error(error.stack);   // for whoever opens the console; the reader sees the message
    show("Lỗi", el("h1", {}, "Không hiển thị được trang"), el("p", { class: "error", role: "alert" }, error.message));
  }

  function provenanceLinks(provenance) {
    if (!provenance || !provenance.length) return null;
    return el("ul", { class: "provenance" }, provenance.slice(0, 3).map((m) =>
      el("li", {}, link(m.href, `“${m.quote.length > 220 ? m.quote.slice(0, 219) + "…" : m.quote}”`,
        { class: "quote", title: "Mở văn bản tại câu này" }))));
  }

  function section(title, ...content) {
    return el("section", {}, el("h2", {}, title), ...content);
  }

  function facts(pairs) {
    const list = el("dl", { class: "facts" });
    for (const [term, value] of pairs) {
      if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) continue;
      list.append(el("dt", {}, term), el("dd", {}, value));
    }
    return list;
  }

  function refList(refs) {
    return refs.map((r, i) => [i ? ", " : "", link(r.href, r.label)]);
  }

  function graphBox(graph, layout, label) {
    const box = el("div", { class: "graph-box" });
    window.PlangraphGraph.draw(box, graph, { layout, label });
    return box;
  }

  // --- suggestions as you type (ARIA combobox) ------------------------------------------------------------
  const input = document.getElementById("q");
  const listbox = document.getElementById("suggestions");
  let suggestions = [];
  let active = -1;
  let pending = null;

  function closeSuggestions() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function renderSuggestions() {
    listbox.replaceChildren(...suggestions.map((s, i) => el("li", {
      id: `suggestion-${i}`, role: "option", "aria-selected": i === active ? "true" : "false",
      class: i === active ? "active" : "" }, el("span", { class: "name" }, s.name), " ", badge(s.kind))));
    listbox.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
    if (active >= 0) input.setAttribute("aria-activedescendant", `suggestion-${active}`);
    else input.removeAttribute("aria-activedescendant");
  }

  async function fetchSuggestions() {
    const typed = input.value.trim();
    if (typed.length < 2) { suggestions = []; closeSuggestions(); return; }
    try {
      const answer = await api(`/suggest?q=${encodeURIComponent(typed.slice(0, 500))}&limit=8`);
      if (input.value.trim() !== typed) return;   // the user typed on; a newer request answers
      suggestions = answer.suggestions;
      active = -1;
      renderSuggestions();
      announce(suggestions.length ? `${suggestions.length} gợi ý; dùng phím mũi tên để chọn` : "");
    } catch (error) {
      suggestions = [];
      closeSuggestions();
    }
  }

  function pick(index) {
    const chosen = suggestions[index];
    closeSuggestions();
    if (!chosen) return;
    if (chosen.href) navigate(chosen.href);
    else navigate(`/?q=${encodeURIComponent(chosen.name)}`);
  }

  input.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && suggestions.length) {
      active = (active + 1) % suggestions.length; renderSuggestions(); event.preventDefault();
    } else if (event.key === "ArrowUp" && suggestions.length) {
      active = (active - 1 + suggestions.length) % suggestions.length; renderSuggestions(); event.preventDefault();
    } else if (event.key === "Enter" && active >= 0 && !listbox.hidden) {
      event.preventDefault(); pick(active);
    } else if (event.key === "Escape") {
      closeSuggestions();
    }
  });
  input.addEventListener("blur", () => setTimeout(closeSuggestions, 150));
  listbox.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) { event.preventDefault(); pick(Number(option.id.split("-")[1])); }
  });
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    closeSuggestions();
    const typed = input.value.trim();
    if (typed) navigate(`/?q=${encodeURIComponent(typed)}`);
  });

  // --- search results ----------------------------------------------------------------------------------------
  function searchUrl(params) {
    return `/search?${params.toString()}`;
  }

  // On a phone the filters fold away behind their summary, so that the results come first.
  function facetPanel(facets, params) {
    const wide = window.matchMedia("(min-width: 48rem)").matches;
    const panel = el("details", { open: wide }, el("summary", {}, "Lọc kết quả"));
    for (const [name, title] of Object.entries(FACETS)) {
      const values = facets[name] || [];
      if (!values.length) continue;
      const chosen = params.getAll(name);
      const group = el("fieldset", {}, el("legend", {}, title));
      for (const value of values.slice(0, 8)) {
        const box = el("input", { type: "checkbox", value: value.value, checked: chosen.includes(value.value) });
        box.addEventListener("change", () => {
          const next = new URLSearchParams(params);
          next.delete(name);
          next.delete("offset");
          const kept = chosen.filter((v) => v !== value.value);
          for (const v of box.checked ? [...kept, value.value] : kept) next.append(name, v);
          navigate(`/?${next.toString()}`);
        });
        const label = name === "kind" ? (KINDS[value.label] || value.label) : value.label;
        group.appendChild(el("label", {}, box, ` ${label} `, el("span", { class: "count" }, `(${value.count})`)));
      }
      panel.appendChild(group);
    }
    return el("aside", { class: "facets", "aria-label": "Lọc kết quả" }, panel);
  }

  function resultItem(hit) {
    const title = hit.document_title || hit.source;
    return el("li", { class: "hit" },
      el("article", {},
        el("h3", {}, badge(hit.kind), " ", link(hit.links.document, title)),
        el("p", { class: "hit-text" }, highlighted(hit.text, hit.highlights)),
        hit.why.length ? el("p", { class: "why" }, el("span", { class: "why-label" }, "Vì sao khớp: "),
          hit.why.join("; ")) : null,
        el("p", { class: "hit-links" }, link(hit.links.document, "Xem câu này trong văn bản"),
          hit.links.task ? [" · ", link(hit.links.task, "Trang nhiệm vụ")] : null)));
  }

  function pager(answer, params) {
    const nav = el("nav", { class: "pager", "aria-label": "Trang kết quả" });
    if (answer.offset > 0) {
      const previous = new URLSearchParams(params);
      previous.set("offset", String(Math.max(0, answer.offset - PAGE_SIZE)));
      nav.appendChild(link(`/?${previous.toString()}`, "← Trang trước"));
    }
    if (answer.next_offset !== null) {
      const next = new URLSearchParams(params);
      next.set("offset", String(answer.next_offset));
      nav.appendChild(link(`/?${next.toString()}`, "Trang sau →"));
    }
    return nav;
  }

  async function searchView(params) {
    input.value = params.get("q");
    const query = new URLSearchParams(params);
    query.set("k", String(PAGE_SIZE));
    query.delete("embed");
    const answer = await api(searchUrl(query));
    const summary = `${answer.total} kết quả cho “${answer.query}”`;
    announce(summary);
    show(answer.query,
      el("h1", { class: "visually-hidden" }, "Kết quả tìm kiếm"),
      el("div", { class: "results-layout" },
        facetPanel(answer.facets, params),
        el("div", { class: "results" }, el("p", { class: "summary" }, summary),
          answer.hits.length ? el("ol", { class: "hits", start: answer.offset + 1 }, answer.hits.map(resultItem))
            : el("p", {}, "Không tìm thấy nội dung phù hợp. Thử bỏ bớt từ hoặc gõ không dấu."),
          pager(answer, params))));
  }

  // --- entity pages ------------------------------------------------------------------------------------------
  function citingItem(hit) {
    const chain = hit.chain.length > 2 ? el("p", { class: "chain" }, "Chuỗi: ",
      hit.chain.map((r, i) => [i ? " ← " : "", link(r.href, r.label)])) : null;
    return el("li", { class: "citer" },
      badge(hit.kind), " ", link(hit.href, hit.label), " ",
      el("span", { class: "relation" }, RELATIONS[hit.relation] || hit.relation),
      hit.direct ? null : el("span", { class: "in-doc" }, " (qua chuỗi)"),
      chain, provenanceLinks(hit.provenance));
  }

  function candidates(page) {
    return show(page.query, el("h1", {}, `“${page.query}” ứng với nhiều ${page.what}`),
      el("ul", {}, page.candidates.map((c) => el("li", {}, link(c.href, c.label),
        ` — ${Object.values(c.details).filter(Boolean).join(", ")}`))));
  }

  async function legalView(path) {
    const page = await api(path);
    if (page.ambiguous) return candidates(page);
    const groups = page.groups.map((group) => el("section", { class: "province" },
      el("h3", {}, group.province === "national" ? "Trung ương" : group.province),
      el("ul", { class: "citing-documents" }, group.documents.map((doc) => el("li", {},
        el("p", {}, badge("document"), " ", link(doc.href, doc.label), el("span", { class: "in-doc" }, ` — ${doc.source}`)),
        el("ul", { class: "citers" }, doc.items.map(citingItem)))))));
    const plans = Object.entries(page.plan_tasks);
    show(page.label,
      el("h1", {}, page.label),
      facts([["Loại", page.doc_type], ["Số hiệu", page.symbol], ["Năm", page.year],
        ["Phạm vi", page.province || "Trung ương"], ["Cơ quan ban hành", refList(page.issuers)]]),
      section(`Được trích dẫn bởi ${page.citers_total} văn bản, nhiệm vụ (${page.direct_total} trực tiếp)`,
        graphBox(page.graph, "layers", `Sơ đồ chuỗi trích dẫn ${page.label}`),
        page.citers_listed < page.citers_total ? el("p", { class: "in-doc" },
          `Hiển thị ${page.citers_listed} trên ${page.citers_total} văn bản, nhiệm vụ trích dẫn.`) : null, ...groups),
      page.through.length ? section("Văn bản trên chuỗi thực hiện",
        el("ul", { class: "citers" }, page.through.map(citingItem))) : null,
      plans.length ? section("Nhiệm vụ của các kế hoạch lấy văn bản này làm căn cứ",
        el("ul", {}, plans.map(([docId, tasks]) => el("li", {}, tasks.map((t, i) => [i ? ", " : "",
          link(t.href, t.task_id, { title: t.label })]))))) : null);
  }

  function assignmentItem(item) {
    return el("li", {}, el("span", { class: `role role-${item.role}` }, ROLES[item.role] || item.role), " ",
      link(item.href, item.label),
      item.document ? el("span", { class: "in-doc" }, " — ", link(item.document.href, item.document.label)) : null,
      item.directed_by.length ? el("span", { class: "directed" }, " — chỉ đạo: ", refList(item.directed_by)) : null,
      provenanceLinks(item.provenance));
  }

  // "2025-Q2" -> "Quý II/2025", "2025-09" -> "Tháng 9/2025", "2025" -> "Năm 2025"; other forms as printed
  function periodLabel(period) {
    if (!period) return "Không ghi thời gian";
    const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
    if (quarter) return `Quý ${["I", "II", "III", "IV"][quarter[2] - 1]}/${quarter[1]}`;
    const month = /^(\d{4})-(\d{2})$/.exec(period);
    if (month) return `Tháng ${Number(month[2])}/${month[1]}`;
    return /^\d{4}$/.test(period) ? `Năm ${period}` : period;
  }

  function periods(groups) {
    return groups.map((group) => el("section", { class: "period" },
      el("h3", {}, periodLabel(group.period)),
      el("ul", { class: "assignments" }, group.tasks.map(assignmentItem))));
  }

  function tasksNote(page) {
    const total = Object.values(page.roles).reduce((a, b) => a + b, 0);
    return page.tasks_listed < total ? el("p", { class: "in-doc" }, `Hiển thị ${page.tasks_listed} trên ${total} nhiệm vụ.`) : null;
  }

  async function agencyView(path) {
    const page = await api(path);
    if (page.ambiguous) return candidates(page);
    const roles = Object.entries(page.roles).map(([role, n]) => `${ROLES[role] || role}: ${n}`).join("; ");
    show(page.label,
      el("h1", {}, page.label),
      facts([["Tên khác", page.aliases.join("; ")], ["Tỉnh, thành", page.province], ["Trực thuộc", refList(page.parent)],
        ["Đơn vị trực thuộc", refList(page.units)], ["Số nhiệm vụ", roles]]),
      section("Nhiệm vụ theo thời gian",
        tasksNote(page), ...periods(page.periods)),
      section(`Phối hợp cùng (${page.collaborators.length})`,
        graphBox(page.graph, "star", `Sơ đồ đơn vị phối hợp cùng ${page.label}`),
        el("ul", { class: "collaborators" }, page.collaborators.map((c) =>
          el("li", {}, link(c.href, c.label), ` — ${c.weight} nhiệm vụ chung`)))));
  }

  async function personView(path) {
    const page = await api(path);
    if (page.ambiguous) return candidates(page);
    show(page.label,
      el("h1", {}, page.label),
      facts([["Chức vụ", page.titles.join("; ")], ["Tên khác", page.aliases.join("; ")]]),
      section("Chỉ đạo, phụ trách", graphBox(page.graph, "star", `Sơ đồ việc ${page.label} chỉ đạo`), tasksNote(page),
        page.periods.length ? periods(page.periods) : el("p", {}, "Chưa thấy nhiệm vụ nào ghi người này chỉ đạo.")));
  }

  function taskCard(card, title) {
    return el("article", { class: "task-card" },
      el("h3", {}, title || link(card.href, `Nhiệm vụ ${card.task_id}`)),
      el("p", {}, card.text),
      facts([["Thời gian", card.period && periodLabel(card.period)], ["Hạn", card.deadline], ["Mục", card.section],
        ...Object.entries(card.roles).map(([role, refs]) => [ROLES[role] || role, refList(refs)]),
        ["Sản phẩm", card.products.join("; ")], ["Văn bản", link(card.document.href, card.document.label)]]),
      el("p", {}, link(card.provenance[0] && card.provenance[0].href, "Xem câu gốc trong văn bản",
        { class: "source-link" })));
  }

  async function taskView(path) {
    const page = await api(path);
    const duplicates = page.duplicates.map((group) =>
      section(`Trùng lặp: ${DUPLICATES[group.kind] || group.kind} (${group.score.toFixed(2)})`, el("p", {}, group.why),
        el("div", { class: "side-by-side" }, taskCard(page, "Nhiệm vụ này"), group.tasks.map((t) => taskCard(t)))));
    show(`Nhiệm vụ ${page.task_id}`,
      el("h1", {}, `Nhiệm vụ ${page.task_id}`),
      taskCard(page, "Nội dung"),
      facts([["Trích dẫn", page.cites.map((c, i) => [i ? ", " : "", link(c.href, c.label),
        ` (${RELATIONS[c.relation] || c.relation})`])], ["Chương trình", refList(page.programmes)]]),
      section("Liên kết", graphBox(page.graph, "star", `Sơ đồ liên kết của nhiệm vụ ${page.task_id}`)),
      ...duplicates);
  }

  // A document's blocks, each piece of text with the highlighted passage marked.
  function passage(text, start, end, highlight) {
    if (!highlight || highlight.end <= start || highlight.start >= end) return document.createTextNode(text.slice(start, end));
    const from = Math.max(start, highlight.start);
    const to = Math.min(end, highlight.end);
    return highlighted(text.slice(start, end), [[from - start, to - start]]);
  }

  function block(text, b, highlight) {
    if (b.rows) {
      return el("div", { class: "table-wrap" }, el("table", {}, b.rows.map((row) => el("tr", { class: row.section ? "row-section" : "" },
        row.cells.map(([s, e]) => el(row.header ? "th" : "td", {}, passage(text, s, e, highlight)))))));
    }
    const tag = b.kind === "heading" ? "h3" : "p";
    return el(tag, { class: `block block-${b.kind} level-${b.level}` }, passage(text, b.start, b.end, highlight));
  }

  // What the document cites and the tasks read from it, each opening its own page or its place in the text.
  function documentLinks(page) {
    const here = (start, end) => `/documents/${page.doc_id}?start=${start}&end=${end}`;
    return el("div", { class: "document-links" },
      page.citations.length ? el("details", {}, el("summary", {}, `Văn bản được trích dẫn (${page.citations.length})`),
        el("ul", {}, page.citations.map((c) => el("li", {}, link(c.href, c.legal), " — ",
          link(here(c.start, c.end), "xem câu trích"))))) : null,
      page.tasks.length ? el("details", {}, el("summary", {}, `Nhiệm vụ trong văn bản (${page.tasks.length})`),
        el("ul", {}, page.tasks.map((t) => el("li", {}, link(t.href, t.id), " — ",
          link(here(t.start, t.end), "xem trong văn bản"))))) : null);
  }

  async function documentView(path, params) {
    const page = await api(path + (params.toString() ? `?${params.toString()}` : ""));
    const title = page.title || page.source;
    const body = el("div", { class: "document-text", lang: "vi" }, page.blocks.map((b) => block(page.text, b, page.highlight)));
    show(title,
      el("h1", {}, title),
      facts([["Loại", page.doc_type], ["Số hiệu", page.symbol], ["Ngày", page.issued_date], ["Tỉnh, thành", page.province],
        ["Cơ quan ban hành", page.issuers.join("; ")], ["Tệp", page.source], ["Nạp lúc", page.ingested_at]]),
      page.highlight ? el("p", { class: "notice" }, "Đoạn được đánh dấu là nguồn của thông tin bạn vừa chọn.") : null,
      documentLinks(page), body);
    const first = body.querySelector("mark");
    if (first) {
      first.id = "provenance";
      first.setAttribute("tabindex", "-1");
      first.scrollIntoView({ block: "center" });
      first.focus({ preventScroll: true });
      announce("Đã đánh dấu câu nguồn trong văn bản");
    }
  }

  async function entityView(path) {
    const page = await api(path);
    show(page.label, el("h1", {}, page.label), el("p", {}, badge(page.kind)),
      section("Liên kết", el("ul", {}, [...page.links, ...page.linked_from].map((r) =>
        el("li", {}, RELATIONS[r.relation] || r.relation, ": ", link(r.href, r.label))))),
      provenanceLinks(page.provenance));
  }

  // --- store-wide lists and the home page ----------------------------------------------------------------------
  async function duplicatesView() {
    const answer = await api("/duplicates?limit=100");
    show("Nội dung trùng lặp", el("h1", {}, `Nội dung trùng lặp (${answer.total} nhóm)`),
      el("ul", { class: "groups" }, answer.groups.map((group) => el("li", {},
        el("p", {}, el("strong", {}, DUPLICATES[group.kind] || group.kind), ` (${group.score}) — ${group.why}`),
        el("div", { class: "side-by-side" }, group.tasks.map((t) => el("article", { class: "task-card" },
          el("h3", {}, link(t.href, `${t.source} · ${t.task_id}`)), el("p", {}, t.text || ""),
          t.provenance ? link(t.provenance, "Xem câu gốc") : null)))))));
  }

  async function anomaliesView() {
    const answer = await api("/anomalies?limit=200");
    show("Bất thường", el("h1", {}, `Bất thường trong văn bản (${answer.total})`),
      el("ul", { class: "anomalies" }, answer.anomalies.map((a) => el("li", {},
        el("strong", {}, ANOMALIES[a.kind] || a.kind), ` — ${a.detail} `,
        el("span", { class: "in-doc" }, "(", link(a.doc_id ? `/documents/${a.doc_id}` : null, a.source), ")"),
        provenanceLinks(a.spans)))));
  }

  async function homeView() {
    const stats = await api("/stats");
    const examples = ["nghi quyet 57", "chuyển đổi số", "Phòng QLKH chủ trì", "nhiệm vụ lặp lại"];
    show("Tra cứu văn bản kế hoạch",
      el("h1", {}, "Tra cứu văn bản kế hoạch, chương trình, báo cáo"),
      el("p", {}, `Kho đang có ${stats.documents} văn bản, ${stats.tasks} nhiệm vụ, ${stats.citations} trích dẫn. `,
        "Gõ có dấu hoặc không dấu; chọn một gợi ý để mở trang của văn bản pháp lý, cơ quan hay người."),
      section("Thử tìm", el("ul", { class: "examples" }, examples.map((q) =>
        el("li", {}, link(`/?q=${encodeURIComponent(q)}`, q))))),
      section("Toàn kho", el("ul", {}, el("li", {}, link("/?view=duplicates", "Nội dung trùng lặp")),
        el("li", {}, link("/?view=anomalies", "Bất thường trong văn bản")),
        el("li", {}, el("a", { href: "/openapi.json" }, "Mô tả API (OpenAPI)")))));
  }

  // --- routing -----------------------------------------------------------------------------------------------
  async function route() {
    const path = decodeURI(location.pathname);
    const params = new URLSearchParams(location.search);
    const views = [[/^\/legal\//, legalView], [/^\/agencies\//, agencyView], [/^\/people\//, personView],
      [/^\/tasks\//, taskView], [/^\/id\//, entityView]];
    try {
      if (path.startsWith("/documents/")) {
        const highlight = new URLSearchParams();
        for (const name of ["start", "end"]) if (params.has(name)) highlight.set(name, params.get(name));
        return await documentView(location.pathname, highlight);
      }
      for (const [pattern, view] of views) if (pattern.test(path)) return await view(location.pathname);
      if (params.get("q")) return await searchView(params);
      if (params.get("view") === "duplicates") return await duplicatesView();
      if (params.get("view") === "anomalies") return await anomaliesView();
      return await homeView();
    } catch (error) {
      failure(error);
    }
  }

  function navigate(href) {
    history.pushState(null, "", href);
    window.scrollTo(0, 0);
    route();
  }

  document.addEventListener("click", (event) => {
    const anchor = event.target.closest("a[data-nav]");
    if (!anchor || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    const href = anchor.getAttribute("href");
    if (!href || !href.startsWith("/")) return;
    event.preventDefault();
    navigate(href);
  });
  window.addEventListener("popstate", route);
  if (embedded) {
    sessionStorage.setItem("embed", "1");
    document.body.classList.add("embed");
  }
  route();
})();
