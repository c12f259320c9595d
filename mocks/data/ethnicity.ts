// Who people are, by where their family comes from: ethnicity and religion by old province, from
// the 2019 Population and Housing Census (Tổng điều tra dân số và nhà ở 2019, Tổng cục Thống kê),
// and the names of the groups that name themselves otherwise than the Kinh. Every choice is drawn
// for the lineage root, so a family shares its ethnicity and, mostly, its religion.
import { hashChance, type Rng, Weighted } from './hash.ts';

/** The 54 ethnic groups of Viet Nam, as the General Statistics Office lists them. */
export const ETHNIC_GROUPS = [
  'Kinh', 'Tày', 'Thái', 'Hoa', 'Khmer', 'Mường', 'Nùng', "H'Mông", 'Dao', 'Gia Rai', 'Ngái', 'Ê Đê',
  'Ba Na', 'Xơ Đăng', 'Sán Chay', 'Cơ Ho', 'Chăm', 'Sán Dìu', 'Hrê', 'Mnông', 'Raglai', 'Xtiêng',
  'Bru-Vân Kiều', 'Thổ', 'Giáy', 'Cơ Tu', 'Gié Triêng', 'Mạ', 'Khơ Mú', 'Co', 'Tà Ôi', 'Chơ Ro', 'Kháng',
  'Xinh Mun', 'Hà Nhì', 'Chu Ru', 'Lào', 'La Chí', 'La Ha', 'Phù Lá', 'La Hủ', 'Lự', 'Lô Lô', 'Chứt',
  'Mảng', 'Pà Thẻn', 'Cơ Lao', 'Cống', 'Bố Y', 'Si La', 'Pu Péo', 'Brâu', 'Ơ Đu', 'Rơ Măm',
] as const; // biome-ignore format: one table

type Shares = readonly (readonly [string, number])[];

/**
 * Ethnic composition (%) of the old provinces where the Kinh are not nearly everyone, approximately
 * as the 2019 census counted it (rounded; the rest of each province is Kinh). Elsewhere 99% Kinh with a few of the groups around.
 */
const COMPOSITION: Readonly<Record<string, Shares>> = {
  '01': [
    ['Mường', 0.8],
    ['Tày', 0.3],
    ['Thái', 0.1],
    ['Nùng', 0.1],
  ], // Hà Nội
  '02': [
    ["H'Mông", 33],
    ['Tày', 23],
    ['Dao', 15],
    ['Nùng', 10],
    ['Giáy', 2],
    ['La Chí', 2],
    ['Lô Lô', 0.5],
    ['Pà Thẻn', 0.5],
    ['Bố Y', 0.3],
    ['Pu Péo', 0.1],
  ], // Hà Giang
  '04': [
    ['Tày', 41],
    ['Nùng', 31],
    ["H'Mông", 11],
    ['Dao', 10],
    ['Sán Chay', 1],
    ['Lô Lô', 0.5],
  ], // Cao Bằng
  '06': [
    ['Tày', 52],
    ['Dao', 17],
    ['Nùng', 9],
    ["H'Mông", 7],
    ['Hoa', 0.5],
  ], // Bắc Kạn
  '08': [
    ['Tày', 25],
    ['Dao', 12],
    ['Sán Chay', 8],
    ["H'Mông", 2.5],
    ['Nùng', 2],
    ['Sán Dìu', 1.5],
    ['Pà Thẻn', 0.5],
  ], // Tuyên Quang
  '10': [
    ["H'Mông", 26],
    ['Tày', 14],
    ['Dao', 14],
    ['Giáy', 4],
    ['Nùng', 4],
    ['Hà Nhì', 0.6],
    ['Phù Lá', 1],
    ['Bố Y', 0.2],
  ], // Lào Cai
  '11': [
    ['Thái', 38],
    ["H'Mông", 36],
    ['Khơ Mú', 3],
    ['Dao', 1],
    ['Hà Nhì', 0.5],
    ['Lào', 0.8],
    ['Cống', 0.2],
    ['Si La', 0.1],
  ], // Điện Biên
  '12': [
    ["H'Mông", 35],
    ['Thái', 33],
    ['Dao', 12],
    ['Hà Nhì', 4],
    ['Giáy', 1.5],
    ['Lự', 1.3],
    ['La Hủ', 2.2],
    ['Mảng', 0.8],
    ['Kháng', 0.2],
  ], // Lai Châu
  '14': [
    ['Thái', 53],
    ["H'Mông", 16],
    ['Mường', 7],
    ['Dao', 1.6],
    ['Xinh Mun', 2],
    ['Khơ Mú', 1.2],
    ['Kháng', 0.8],
    ['La Ha', 0.7],
    ['Lào', 0.3],
  ], // Sơn La
  '15': [
    ['Tày', 19],
    ['Dao', 12],
    ["H'Mông", 11],
    ['Thái', 6],
    ['Mường', 2],
    ['Giáy', 0.2],
  ], // Yên Bái
  '17': [
    ['Mường', 63],
    ['Thái', 4],
    ['Dao', 2],
    ['Tày', 2],
    ["H'Mông", 0.5],
  ], // Hòa Bình
  '19': [
    ['Tày', 11],
    ['Nùng', 6],
    ['Sán Dìu', 4],
    ['Dao', 2],
    ['Sán Chay', 2],
    ["H'Mông", 0.5],
    ['Hoa', 0.4],
  ], // Thái Nguyên
  '20': [
    ['Nùng', 42],
    ['Tày', 35],
    ['Dao', 3.5],
    ['Sán Chay', 0.5],
    ['Hoa', 0.3],
    ["H'Mông", 0.2],
  ], // Lạng Sơn
  '22': [
    ['Dao', 5],
    ['Tày', 3],
    ['Sán Dìu', 2],
    ['Sán Chay', 1],
    ['Hoa', 0.5],
  ], // Quảng Ninh
  '24': [
    ['Nùng', 5],
    ['Tày', 2.5],
    ['Sán Chay', 2],
    ['Sán Dìu', 1.5],
    ['Hoa', 1],
    ['Dao', 0.5],
  ], // Bắc Giang
  '25': [
    ['Mường', 14],
    ['Dao', 1],
  ], // Phú Thọ
  '26': [['Sán Dìu', 3]], // Vĩnh Phúc
  '37': [['Mường', 2]], // Ninh Bình
  '38': [
    ['Mường', 9],
    ['Thái', 6],
    ["H'Mông", 0.4],
    ['Thổ', 0.2],
  ], // Thanh Hóa
  '40': [
    ['Thái', 10],
    ['Khơ Mú', 1.3],
    ["H'Mông", 1],
    ['Thổ', 0.6],
    ['Ơ Đu', 0.01],
  ], // Nghệ An
  '44': [
    ['Bru-Vân Kiều', 1.6],
    ['Chứt', 0.4],
  ], // Quảng Bình
  '45': [
    ['Bru-Vân Kiều', 8],
    ['Tà Ôi', 2],
  ], // Quảng Trị
  '46': [
    ['Tà Ôi', 3],
    ['Cơ Tu', 1],
    ['Bru-Vân Kiều', 0.3],
  ], // Huế
  '49': [
    ['Cơ Tu', 3],
    ['Xơ Đăng', 3],
    ['Gié Triêng', 1],
    ['Co', 0.5],
  ], // Quảng Nam
  '51': [
    ['Hrê', 10],
    ['Co', 2],
    ['Xơ Đăng', 1],
  ], // Quảng Ngãi
  '52': [
    ['Ba Na', 1.2],
    ['Hrê', 0.4],
    ['Chăm', 0.2],
  ], // Bình Định
  '54': [
    ['Ê Đê', 3],
    ['Chăm', 2.5],
    ['Ba Na', 0.5],
  ], // Phú Yên
  '56': [
    ['Raglai', 4.5],
    ['Hoa', 0.5],
    ['Ê Đê', 0.3],
    ['Cơ Ho', 0.3],
  ], // Khánh Hòa
  '58': [
    ['Chăm', 12],
    ['Raglai', 11],
    ['Cơ Ho', 0.5],
  ], // Ninh Thuận
  '60': [
    ['Chăm', 3.5],
    ['Raglai', 1.5],
    ['Hoa', 1],
    ['Cơ Ho', 0.5],
  ], // Bình Thuận
  '62': [
    ['Xơ Đăng', 25],
    ['Ba Na', 13],
    ['Gié Triêng', 7],
    ['Gia Rai', 5],
    ['Brâu', 0.1],
    ['Rơ Măm', 0.1],
  ], // Kon Tum
  '64': [
    ['Gia Rai', 31],
    ['Ba Na', 13],
    ['Tày', 1],
    ['Nùng', 1],
  ], // Gia Lai
  '66': [
    ['Ê Đê', 18],
    ['Nùng', 4],
    ['Tày', 3],
    ['Mnông', 2.5],
    ["H'Mông", 1.3],
    ['Thái', 1],
    ['Dao', 1],
    ['Gia Rai', 1],
  ], // Đắk Lắk
  '67': [
    ['Mnông', 10],
    ['Nùng', 8],
    ['Tày', 6],
    ["H'Mông", 6],
    ['Dao', 3],
    ['Ê Đê', 1],
    ['Mạ', 1],
  ], // Đắk Nông
  '68': [
    ['Cơ Ho', 13],
    ['Mạ', 3],
    ['Chu Ru', 2],
    ['Nùng', 2],
    ['Tày', 1.5],
    ['Hoa', 0.5],
  ], // Lâm Đồng
  '70': [
    ['Xtiêng', 9],
    ['Khmer', 2],
    ['Nùng', 2],
    ['Tày', 1.5],
    ['Hoa', 1],
    ['Mnông', 1],
  ], // Bình Phước
  '72': [
    ['Khmer', 0.7],
    ['Chăm', 0.3],
    ['Hoa', 0.3],
  ], // Tây Ninh
  '74': [
    ['Hoa', 0.8],
    ['Khmer', 0.3],
    ['Tày', 0.3],
  ], // Bình Dương
  '75': [
    ['Hoa', 3],
    ['Nùng', 1.5],
    ['Tày', 1],
    ['Chơ Ro', 0.6],
    ['Khmer', 0.3],
    ['Ngái', 0.1],
  ], // Đồng Nai
  '77': [
    ['Hoa', 1],
    ['Chơ Ro', 0.6],
  ], // Bà Rịa - Vũng Tàu
  '79': [
    ['Hoa', 4.4],
    ['Khmer', 0.6],
    ['Chăm', 0.1],
    ['Tày', 0.3],
    ['Nùng', 0.2],
    ['Mường', 0.2],
  ], // Hồ Chí Minh
  '89': [
    ['Khmer', 4],
    ['Chăm', 0.6],
    ['Hoa', 0.6],
  ], // An Giang
  '91': [
    ['Khmer', 12.5],
    ['Hoa', 2],
  ], // Kiên Giang
  '84': [
    ['Khmer', 32],
    ['Hoa', 1],
  ], // Trà Vinh
  '94': [
    ['Khmer', 30],
    ['Hoa', 6],
  ], // Sóc Trăng
  '95': [
    ['Khmer', 8],
    ['Hoa', 3],
  ], // Bạc Liêu
  '96': [
    ['Khmer', 2],
    ['Hoa', 1],
  ], // Cà Mau
  '92': [
    ['Khmer', 2],
    ['Hoa', 1],
  ], // Cần Thơ
  '93': [
    ['Khmer', 1.8],
    ['Hoa', 0.7],
  ], // Hậu Giang
  '86': [
    ['Khmer', 2],
    ['Hoa', 0.3],
  ], // Vĩnh Long
};
const ELSEWHERE: Shares = [
  ['Mường', 0.3],
  ['Tày', 0.3],
  ['Hoa', 0.2],
  ['Nùng', 0.2],
];

const withKinh = (shares: Shares) =>
  new Weighted<string>([['Kinh', Math.max(0, 100 - shares.reduce((sum, [, s]) => sum + s, 0))], ...shares]);
const ethnicTables = new Map(Object.entries(COMPOSITION).map(([code, shares]) => [code, withKinh(shares)]));
const elsewhereTable = withKinh(ELSEWHERE);

/** Ethnicity of a lineage whose root's birth was registered in the old province `oldProvince`. */
export function ethnicity(rng: Rng, oldProvince: string): string {
  return (ethnicTables.get(oldProvince) ?? elsewhereTable).pick(rng);
}

/**
 * Religion shares (%) by old province where they stand out (census 2019: 86.3% follow none; Catholics
 * 6.1%, Buddhists 4.8%, Protestants 1.0%, Hòa Hảo 1.0%, Cao Đài 0.6% nationally): Hòa Hảo in the
 * Mekong delta around An Giang, Cao Đài in Tây Ninh, Catholic dioceses of Nam Định, Ninh Bình, Đồng
 * Nai, Kon Tum. `default` for the rest.
 */
const RELIGION: Readonly<Record<string, Shares>> = {
  default: [
    ['Phật giáo', 3.8],
    ['Công giáo', 3.2],
    ['Tin lành', 0.3],
    ['Cao Đài', 0.1],
  ],
  '36': [
    ['Công giáo', 24],
    ['Phật giáo', 2],
  ], // Nam Định
  '37': [
    ['Công giáo', 16],
    ['Phật giáo', 2],
  ], // Ninh Bình
  '34': [
    ['Công giáo', 7],
    ['Phật giáo', 2],
  ], // Thái Bình
  '35': [
    ['Công giáo', 5],
    ['Phật giáo', 2],
  ], // Hà Nam
  '40': [
    ['Công giáo', 6],
    ['Phật giáo', 1],
  ], // Nghệ An
  '42': [
    ['Công giáo', 8],
    ['Phật giáo', 1],
  ], // Hà Tĩnh
  '44': [
    ['Công giáo', 7],
    ['Phật giáo', 2],
  ], // Quảng Bình
  '46': [
    ['Phật giáo', 18],
    ['Công giáo', 3],
  ], // Huế
  '48': [
    ['Phật giáo', 12],
    ['Công giáo', 4],
    ['Cao Đài', 0.5],
  ], // Đà Nẵng
  '56': [
    ['Phật giáo', 10],
    ['Công giáo', 6],
  ], // Khánh Hòa
  '60': [
    ['Công giáo', 9],
    ['Phật giáo', 8],
    ['Cao Đài', 1],
  ], // Bình Thuận
  '62': [
    ['Công giáo', 28],
    ['Tin lành', 6],
    ['Phật giáo', 2],
  ], // Kon Tum
  '64': [
    ['Công giáo', 6],
    ['Tin lành', 10],
    ['Phật giáo', 3],
  ], // Gia Lai
  '66': [
    ['Tin lành', 10],
    ['Công giáo', 8],
    ['Phật giáo', 5],
  ], // Đắk Lắk
  '67': [
    ['Tin lành', 10],
    ['Công giáo', 9],
    ['Phật giáo', 3],
  ], // Đắk Nông
  '68': [
    ['Công giáo', 24],
    ['Tin lành', 7],
    ['Phật giáo', 8],
  ], // Lâm Đồng
  '70': [
    ['Công giáo', 10],
    ['Phật giáo', 6],
    ['Tin lành', 3],
  ], // Bình Phước
  '72': [
    ['Cao Đài', 25],
    ['Phật giáo', 8],
    ['Công giáo', 2],
  ], // Tây Ninh
  '74': [
    ['Công giáo', 5],
    ['Phật giáo', 8],
    ['Cao Đài', 1],
  ], // Bình Dương
  '75': [
    ['Công giáo', 30],
    ['Phật giáo', 8],
    ['Tin lành', 1],
    ['Cao Đài', 0.5],
  ], // Đồng Nai
  '77': [
    ['Công giáo', 20],
    ['Phật giáo', 8],
  ], // Bà Rịa - Vũng Tàu
  '79': [
    ['Phật giáo', 10],
    ['Công giáo', 7],
    ['Cao Đài', 0.7],
    ['Tin lành', 0.8],
    ['Phật giáo Hòa Hảo', 0.2],
  ], // Hồ Chí Minh
  '80': [
    ['Cao Đài', 4],
    ['Phật giáo', 8],
    ['Công giáo', 2],
  ], // Long An
  '82': [
    ['Cao Đài', 3],
    ['Phật giáo', 6],
    ['Công giáo', 3],
    ['Phật giáo Hòa Hảo', 1],
  ], // Tiền Giang
  '83': [
    ['Cao Đài', 5],
    ['Công giáo', 5],
    ['Phật giáo', 6],
  ], // Bến Tre
  '87': [
    ['Phật giáo Hòa Hảo', 10],
    ['Phật giáo', 6],
    ['Công giáo', 2],
    ['Cao Đài', 2],
  ], // Đồng Tháp
  '89': [
    ['Phật giáo Hòa Hảo', 33],
    ['Phật giáo', 8],
    ['Công giáo', 2],
    ['Cao Đài', 1],
  ], // An Giang
  '91': [
    ['Phật giáo Hòa Hảo', 5],
    ['Phật giáo', 10],
    ['Công giáo', 3],
    ['Cao Đài', 1],
  ], // Kiên Giang
  '92': [
    ['Phật giáo Hòa Hảo', 8],
    ['Phật giáo', 6],
    ['Công giáo', 2],
    ['Cao Đài', 1],
  ], // Cần Thơ
  '93': [
    ['Phật giáo Hòa Hảo', 7],
    ['Phật giáo', 4],
    ['Công giáo', 2],
  ], // Hậu Giang
  '86': [
    ['Phật giáo Hòa Hảo', 3],
    ['Phật giáo', 6],
    ['Công giáo', 3],
    ['Cao Đài', 2],
  ], // Vĩnh Long
};

/** Groups whose religion follows the group more than the province. */
const RELIGION_OF_GROUP: Readonly<Record<string, Shares>> = {
  Khmer: [['Phật giáo', 85]],
  Hoa: [
    ['Phật giáo', 30],
    ['Công giáo', 3],
  ],
  'Ê Đê': [
    ['Tin lành', 35],
    ['Công giáo', 15],
  ],
  'Gia Rai': [
    ['Tin lành', 30],
    ['Công giáo', 15],
  ],
  Mnông: [
    ['Tin lành', 35],
    ['Công giáo', 15],
  ],
  'Cơ Ho': [
    ['Tin lành', 30],
    ['Công giáo', 30],
  ],
  'Ba Na': [
    ['Công giáo', 40],
    ['Tin lành', 10],
  ],
  'Xơ Đăng': [
    ['Công giáo', 35],
    ['Tin lành', 5],
  ],
  "H'Mông": [['Tin lành', 20]],
  Chăm: [
    ['Bà La Môn', 40],
    ['Hồi giáo', 30],
  ],
};

const withNone = (shares: Shares) =>
  new Weighted<string>([['Không', Math.max(0, 100 - shares.reduce((sum, [, s]) => sum + s, 0))], ...shares]);
const religionByProvince = new Map(
  Object.entries(RELIGION).map(([code, shares]) => [code, withNone(shares)]),
);
const religionByGroup = new Map(
  Object.entries(RELIGION_OF_GROUP).map(([g, shares]) => [g, withNone(shares)]),
);

/** Religion of someone of `group` whose lineage comes from `oldProvince`. */
export function religion(rng: Rng, oldProvince: string, group: string): string {
  const table =
    religionByGroup.get(group) ?? religionByProvince.get(oldProvince) ?? religionByProvince.get('default')!;
  return table.pick(rng);
}

// Names. Most groups write names the Kinh way (family, middle, given) with family names of their
// own; some (Ê Đê, Ba Na, Xơ Đăng) put a sex marker first and the clan, if any, last.
const FAMILY_OF_GROUP: Readonly<Record<string, readonly string[]>> = {
  Tày: ['Hoàng', 'Nông', 'Lục', 'Hà', 'Lương', 'Ma', 'Triệu', 'Đàm', 'Vi', 'Sầm'],
  Nùng: ['Hoàng', 'Nông', 'Lý', 'Lăng', 'Chu', 'Vi', 'Triệu', 'Mã'],
  Thái: ['Lò', 'Cầm', 'Lường', 'Quàng', 'Vì', 'Hà', 'Tòng', 'Điêu', 'Bạc', 'Lự'],
  Mường: ['Bùi', 'Đinh', 'Quách', 'Hà', 'Xa', 'Cao'],
  "H'Mông": ['Giàng', 'Sùng', 'Vàng', 'Lý', 'Thào', 'Hầu', 'Mùa', 'Vừ', 'Hạng', 'Lầu', 'Cứ'],
  Dao: ['Triệu', 'Bàn', 'Đặng', 'Lý', 'Chảo', 'Tẩn', 'Phùn'],
  Khmer: ['Thạch', 'Danh', 'Kim', 'Sơn', 'Lâm', 'Châu', 'Trầm'],
  Hoa: ['Lý', 'Trương', 'Hứa', 'Quách', 'Mạch', 'Diệp', 'Lưu', 'Tăng', 'Vương'],
  Chăm: ['Đàng', 'Thập', 'Thành', 'Quảng', 'Lưu', 'Báo', 'Phú'],
  'Gia Rai': ['Rơ Châm', 'Rơ Mah', 'Siu', 'Ksor', 'Kpă', 'Nay', 'Rah Lan'],
  'Ê Đê': ['Niê', 'Êban', 'Mlô', 'Ksơr', 'Byă', 'Adrơng', 'Hđơk'],
};

const HMONG_GIVEN = {
  MALE: ['Páo', 'Sính', 'Chứ', 'Dế', 'Pó', 'Súa', 'Lử', 'Chinh', 'Tủa', 'Dình'],
  FEMALE: ['Mỷ', 'Dợ', 'Pà', 'Sua', 'Chở', 'Mai', 'Dua', 'Lan'],
} as const;
const KHMER_GIVEN = {
  MALE: ['Sa Rên', 'Sô Phanh', 'Đa Ra', 'Sóc', 'Xây', 'Phol', 'Chanh Đa', 'Sa Ri', 'Kha'],
  FEMALE: ['Sô Phi', 'Ra Ny', 'Sa Ly', 'Thi Da', 'Sa Vi', 'Chanh Thu', 'Ni'],
} as const;
const HIGHLAND_GIVEN = {
  MALE: ['Blong', 'Krông', 'Thuôn', 'Ngông', 'Bhiao', 'Sang', 'Dhiêng', 'Khuê', 'Jú'],
  FEMALE: ['Linh', 'Bia', 'Yim', 'Hlim', 'Nhi', 'Blơh', 'Juê', 'Wơn'],
} as const;

/** The lineage's family name for `group`, or undefined where the Kinh table applies. */
export function groupFamilyName(rng: Rng, group: string): string | undefined {
  const names = FAMILY_OF_GROUP[group];
  return names && rng.pick(names);
}

/**
 * A whole name in the group's own style, or undefined where the Kinh style (family name first, then
 * middle and given names) applies with `groupFamilyName`.
 */
export function ownStyleName(
  rng: Rng,
  group: string,
  family: string,
  sex: 'MALE' | 'FEMALE',
  id: string,
): string | undefined {
  switch (group) {
    case "H'Mông":
      return `${family} ${sex === 'MALE' ? 'A' : 'Thị'} ${rng.pick(HMONG_GIVEN[sex])}`;
    case 'Khmer':
      return `${family} ${sex === 'MALE' ? '' : 'Thị '}${rng.pick(KHMER_GIVEN[sex])}`;
    case 'Ê Đê':
      return `${sex === 'MALE' ? 'Y' : "H'"}${sex === 'MALE' ? ' ' : ''}${rng.pick(HIGHLAND_GIVEN[sex])} ${family}`;
    case 'Gia Rai':
      return `${family} ${sex === 'MALE' ? '' : "H'"}${rng.pick(HIGHLAND_GIVEN[sex])}`;
    case 'Ba Na':
    case 'Xơ Đăng':
    case 'Gié Triêng':
    case 'Mnông':
    case 'Cơ Ho':
      // Many highlanders carry no family name: "A" for men, "Y" for women, then the given name;
      // some took Kinh family names (Đinh, Nguyễn) when registering.
      return hashChance(0.7, 'highland-style', id)
        ? `${sex === 'MALE' ? 'A' : 'Y'} ${rng.pick(HIGHLAND_GIVEN[sex])}`
        : undefined;
    default:
      return undefined;
  }
}
