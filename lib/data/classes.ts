// The fixed semantic class list, in one place. The segmentation inpainter takes a one-hot map with
// NUM_CLASSES channels, so this list is part of every model's input shape: change it and retrain.
//   0 person      thing  (the pasted object, and people already in a background)
//   1 sky         stuff
//   2 wall        stuff  (walls, buildings, fences)
//   3 ground      stuff  (floor, road, pavement, sand, dirt, snow, mountains)
//   4 water       stuff  (sea, river, lake)
//   5 vegetation  stuff  (trees, grass, bushes)
//   6 thing       thing  (any other countable object: boxes, cars, balls, poles, furniture)
//   7 photo       stuff  (an imported photograph with no finer labels, and COCO pixels we cannot map)
export const CLASS_NAMES = ['person', 'sky', 'wall', 'ground', 'water', 'vegetation', 'thing', 'photo'] as const;
export type ClassName = (typeof CLASS_NAMES)[number];
export const NUM_CLASSES = CLASS_NAMES.length;

export const CLASS_ID: Record<ClassName, number> = {
  person: 0,
  sky: 1,
  wall: 2,
  ground: 3,
  water: 4,
  vegetation: 5,
  thing: 6,
  photo: 7,
};

/** Display colours for label maps (contact sheets, notebooks). */
export const CLASS_COLOURS: Record<ClassName, [number, number, number]> = {
  person: [0.9, 0.1, 0.2],
  sky: [0.55, 0.75, 0.95],
  wall: [0.6, 0.5, 0.45],
  ground: [0.55, 0.45, 0.25],
  water: [0.1, 0.3, 0.7],
  vegetation: [0.2, 0.6, 0.2],
  thing: [0.95, 0.75, 0.1],
  photo: [0.5, 0.5, 0.5],
};
