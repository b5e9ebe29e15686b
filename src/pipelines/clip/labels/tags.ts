// What is in the picture: broad subjects and scenes.
export const TAGS: readonly string[] = [
  'portrait', 'self-portrait', 'group of people', 'crowd', 'woman', 'man', 'child', 'old man', 'old woman',
  'landscape', 'seascape', 'cityscape', 'still life', 'interior', 'street', 'village', 'castle', 'ruins',
  'bridge', 'house', 'garden', 'forest', 'tree', 'flower', 'mountain', 'river', 'waterfall', 'lake', 'ocean',
  'beach', 'desert', 'snow', 'sky', 'clouds', 'sunset', 'night sky', 'outer space', 'planet', 'animal', 'cat',
  'dog', 'bird', 'horse', 'fish', 'insect', 'dragon', 'fantasy creature', 'robot', 'knight', 'armor', 'costume',
  'car', 'ship', 'airplane', 'train', 'food', 'fruit', 'abstract shapes', 'geometric pattern', 'text', 'logo', 'map',
];
