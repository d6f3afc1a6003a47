// The navigator's class form (venues/bookings/book_students.html): ticking «the whole class» ticks its students, and a
// class stays ticked only while all its students are (partly ticked: shown as mixed). Without JavaScript the form still
// works: the server books every listed student of a ticked class.
(function () {
  "use strict";

  function members(toggle) {
    var form = toggle.form;
    return form.querySelectorAll('[data-class-member="' + toggle.getAttribute("data-class-toggle") + '"]');
  }

  function sync(toggle) {
    var boxes = members(toggle);
    var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
    toggle.checked = ticked === boxes.length && ticked > 0;
    toggle.indeterminate = ticked > 0 && ticked < boxes.length;
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-class-toggle]"), function (toggle) {
      sync(toggle);  // a form the browser restored (the Back button) may come back partly ticked
      toggle.addEventListener("change", function () {
        Array.prototype.forEach.call(members(toggle), function (box) { box.checked = toggle.checked; });
        toggle.indeterminate = false;
      });
      Array.prototype.forEach.call(members(toggle), function (box) {
        box.addEventListener("change", function () { sync(toggle); });
      });
    });
  });
})();
