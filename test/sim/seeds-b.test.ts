import { test } from 'node:test'
import { SEEDS_DEFAULT, sweep } from './seeds.js'

test('the second half of the default seeds all pass every checker', () => {
  sweep(SEEDS_DEFAULT / 2 + 1, SEEDS_DEFAULT / 2)
})
