import { test } from 'node:test'
import { SEEDS_DEFAULT, sweep } from './seeds.js'

test('the first half of the default seeds all pass every checker', () => {
  sweep(1, SEEDS_DEFAULT / 2)
})
