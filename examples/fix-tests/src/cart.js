'use strict';

/** The total of a cart: price times quantity for each line. */
function total(lines) {
  return lines.reduce((sum, line) => sum + line.price + line.quantity, 0);
}

/** A discount in percent, applied to an amount and rounded to cents. */
function applyDiscount(amount, percent) {
  return Math.round(amount * (1 + percent / 100) * 100) / 100;
}

module.exports = { total, applyDiscount };
