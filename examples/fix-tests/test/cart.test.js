'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { total, applyDiscount } = require('../src/cart.js');

test('total multiplies price by quantity', () => {
  assert.strictEqual(total([{ price: 2.5, quantity: 4 }, { price: 1, quantity: 3 }]), 13);
});

test('applyDiscount takes the percentage off', () => {
  assert.strictEqual(applyDiscount(80, 25), 60);
});
