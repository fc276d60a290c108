// The case page tells the server, on each live poll, whether this agent is writing a reply,
// so colleagues with the same case open see it.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.elt.id !== "case-live") return;
  const reply = document.getElementById("id_reply_text");
  event.detail.parameters.replying = reply && reply.value.trim() ? "1" : "0";
});
